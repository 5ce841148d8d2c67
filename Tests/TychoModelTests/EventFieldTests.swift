import Foundation
import Testing
import TychoModel

/// How one line becomes an event: the eight fields, start/end defaults, generated ids, the
/// wrapper form, unknown fields, and later lines replacing earlier ones.
@Suite struct EventFieldTests {
    @Test func everyFieldIsRead() throws {
        let line = """
            {"id": "e1", "parent_id": "p1", "source_id": "s-1", "start_time": "2018-12-31T18:38:52.345Z", \
            "end_time": "2018-12-31T18:58:52Z", "description": "deploy foo", \
            "detail_urls": {"deploy": "http://d/1", "logs": "http://l/1"}, \
            "tags": {"service": ["foo"], "environment": ["bar", "baz"]}}
            """
        let store = try DataFixture.load(["a.jsonl": line + "\n"])
        let event = store.event(try store.required("e1"))
        #expect(event == Event(id: "e1", parentID: "p1", sourceID: "s-1", startTime: 1_546_281_532_345,
                               endTime: 1_546_282_732_000, description: "deploy foo",
                               detailURLs: [NamedURL("deploy", "http://d/1"), NamedURL("logs", "http://l/1")],
                               tags: [Tag("service", ["foo"]), Tag("environment", ["bar", "baz"])]))
        #expect(store.count == 1)
    }

    @Test func optionalFieldsDefaultToEmpty() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(#"{"id": "bare", "start_time": "2020-01-01T00:00:00Z"}"#)])
        let event = store.event(try store.required("bare"))
        #expect(event.parentID == "")
        #expect(event.sourceID == "")
        #expect(event.description == "")
        #expect(event.detailURLs == [])
        #expect(event.tags == [])
    }

    @Test func onlyStartMeansEndIsTheSame() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(eventLine("s", start: "2020-01-01T00:00:05Z", end: nil))])
        let record = try store.required("s")
        #expect(store.startTime(record) == ms("2020-01-01T00:00:05Z"))
        #expect(store.endTime(record) == ms("2020-01-01T00:00:05Z"))
    }

    @Test func onlyEndMeansStartIsTheSame() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(eventLine("e", start: nil, end: "2020-01-01T00:00:07Z"))])
        let record = try store.required("e")
        #expect(store.startTime(record) == ms("2020-01-01T00:00:07Z"))
        #expect(store.endTime(record) == ms("2020-01-01T00:00:07Z"))
    }

    @Test func nullTimeCountsAsMissing() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            #"{"id": "n", "start_time": null, "end_time": "2020-01-01T00:00:07Z"}"#)])
        let record = try store.required("n")
        #expect(store.startTime(record) == ms("2020-01-01T00:00:07Z"))
    }

    @Test func neitherStartNorEndIsInvalid() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("ok"), eventLine("timeless", start: nil, end: nil),
            #"{"id": "nulls", "start_time": null, "end_time": null}"#)])
        #expect(store.allIDs == ["ok"])
        #expect(store.problems.map(\.description) == ["a.jsonl:2: no start_time or end_time",
                                                      "a.jsonl:3: no start_time or end_time"])
    }

    // MARK: - Ids

    /// Whether `id` has the uuid4 shape: 8-4-4-4-12 lower-case hex, version 4, RFC 4122 variant.
    static func isUUID4(_ id: String) -> Bool {
        id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil
    }

    @Test func missingIDGetsAStableUUID4() throws {
        let files = ["a.jsonl": jsonl(
            eventLine(nil, description: "flag one"),
            eventLine(nil, description: "flag two"),
            eventLine("named", description: "has one"))]
        let first = try DataFixture.load(files)
        let second = try DataFixture.load(files)
        let generated = first.allIDs.filter { $0 != "named" }
        #expect(generated.count == 2)
        for id in generated { #expect(Self.isUUID4(id), "\(id)") }
        #expect(Set(generated).count == 2, "different lines get different ids")
        #expect(first.allIDs == second.allIDs, "the same data gets the same ids on every load")
        // The generated id finds the event, like any other id.
        let record = try first.required(generated[0])
        #expect(first.description(record).hasPrefix("flag"))
    }

    @Test func generatedIDDependsOnTheLineNotOnItsPosition() throws {
        let line = eventLine(nil, description: "moved")
        let before = try DataFixture.load(["a.jsonl": jsonl(line)])
        let after = try DataFixture.load(["z.jsonl": jsonl(eventLine("x"), eventLine("y")) + "\n" + jsonl(line)])
        let moved = try #require(before.allIDs.first)
        #expect(after.record(id: moved) != nil)
    }

    @Test func emptyOrMistypedIDIsInvalid() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine(""), #"{"id": 42, "start_time": "2020-01-01T00:00:00Z"}"#, eventLine("fine"))])
        #expect(store.allIDs == ["fine"])
        #expect(store.problems.map(\.line) == [1, 2])
        #expect(store.problems[0].reason == "empty id")
        #expect(store.problems[1].reason.contains("id"), "\(store.problems[1].reason)")
    }

    // MARK: - Later lines replace earlier ones

    @Test func laterLineWithTheSameIDWins() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("d", start: "2020-01-01T00:00:00Z", description: "running", tags: ["status": ["running"]]),
            eventLine("other"),
            eventLine("d", start: "2020-01-01T00:00:00Z", end: "2020-01-01T00:10:00Z", description: "done",
                      tags: ["status": ["success"]]))])
        #expect(store.count == 2)
        let record = try store.required("d")
        #expect(store.description(record) == "done")
        #expect(store.endTime(record) == ms("2020-01-01T00:10:00Z"))
        #expect(try store.ids(store.find(tags: [TagTerm(key: "status", value: "success")])) == ["d"])
        #expect(try store.find(tags: [TagTerm(key: "status", value: "running")]).isEmpty, "the replaced line's tags are gone")
    }

    @Test func laterFileWinsAcrossFilesInNameOrder() throws {
        // Written in the opposite order to the names, so name order (not creation order) must decide.
        let store = try DataFixture.load([
            "2020-01-02.jsonl": jsonl(eventLine("d", description: "second file")),
            "2020-01-01.jsonl": jsonl(eventLine("d", description: "first file")),
        ])
        #expect(store.count == 1)
        #expect(store.description(try store.required("d")) == "second file")
    }

    @Test func updateMovingToAnotherParentMovesTheChild() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("p1"), eventLine("p2"),
            eventLine("c", parent: "p1"),
            eventLine("c", parent: "p2"))])
        #expect(store.childRecords(try store.required("p1")) == [])
        #expect(store.ids(store.childRecords(try store.required("p2"))) == ["c"])
        #expect(try store.ids(store.find(tags: [TagTerm(key: "parent_id", value: "p1")])) == [])
    }

    // MARK: - Line forms

    @Test func wrapperLineIsAnEvent() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            #"{"event": {"id": "wrapped", "parent_id": "p", "start_time": "2020-01-01T00:00:00Z", "tags": {"k": ["v"]}}}"#,
            eventLine("plain"))])
        let event = store.event(try store.required("wrapped"))
        #expect(event.parentID == "p")
        #expect(event.tags == [Tag("k", ["v"])])
        #expect(store.count == 2)
        #expect(store.problems.isEmpty)
    }

    @Test func wrapperWithoutTimesIsInvalid() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(#"{"event": {"id": "w"}}"#)])
        #expect(store.count == 0)
        #expect(store.problems.map(\.line) == [1])
    }

    @Test func unknownFieldsAreIgnored() throws {
        let line = """
            {"severity": 3, "id": "u", "extra": {"nested": [1, 2.5e3, {"a": null, "b": [true, false]}], "s": "x\\"y"}, \
            "start_time": "2020-01-01T00:00:00Z", "owner": null, "tags": {"k": ["v"]}, "trailing": []}
            """
        let store = try DataFixture.load(["a.jsonl": line + "\n"])
        #expect(store.problems.map(\.description) == [])
        let event = store.event(try store.required("u"))
        #expect(event.tags == [Tag("k", ["v"])])
        #expect(event.startTime == ms("2020-01-01T00:00:00Z"))
    }

    @Test func escapedStringsAreDecoded() throws {
        let line = #"{"id": "caf\u00e9-\ud83d\ude80", "start_time": "2020-01-01T00:00:00Z", "description": "tab\there \"q\" back\\slash \/ nl\n"}"#
        let store = try DataFixture.load(["a.jsonl": line + "\n"])
        let record = try store.required("café-🚀")
        #expect(store.description(record) == "tab\there \"q\" back\\slash / nl\n")
    }

    @Test func wrongTypesAreInvalid() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            #"{"id": "t1", "start_time": "2020-01-01T00:00:00Z", "tags": ["source:chef"]}"#,
            #"{"id": "t2", "start_time": "2020-01-01T00:00:00Z", "tags": {"source": [1]}}"#,
            #"{"id": "t3", "start_time": 1577836800}"#,
            #"{"id": "t4", "start_time": "2020-01-01T00:00:00Z", "detail_urls": {"x": 1}}"#,
            #"{"id": "t5", "start_time": "2020-01-01T00:00:00Z", "description": ["a"]}"#,
            #"["not", "an", "object"]"#,
            eventLine("fine"))])
        #expect(store.allIDs == ["fine"])
        #expect(store.problems.map(\.line) == [1, 2, 3, 4, 5, 6])
        #expect(store.problems[0].reason.contains("tags"), "\(store.problems[0].reason)")
        #expect(store.problems[2].reason.contains("start_time"), "\(store.problems[2].reason)")
        #expect(store.problems[3].reason.contains("detail_urls"), "\(store.problems[3].reason)")
        #expect(store.problems[4].reason.contains("description"), "\(store.problems[4].reason)")
    }

    @Test func tagValuesKeepTheirOrder() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("o", tags: ["zeta": ["2", "1"], "alpha": ["x"], "mid": []]))])
        let tags = store.tags(try store.required("o"))
        #expect(tags.map(\.key).prefix(2) == ["zeta", "alpha"])
        #expect(tags.first?.values == ["2", "1"])
    }
}
