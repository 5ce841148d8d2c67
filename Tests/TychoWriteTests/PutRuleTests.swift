import Foundation
import TychoModel
import XCTest

/// `tycho put`: creation, refusal of existing ids, fresh ids, validation, and the time defaults.
final class PutRuleTests: XCTestCase {
    func testPutCreatesTheEventAndPrintsIt() throws {
        let store = try WriteFixture()
        let run = store.put(eventJSON(id: "deploy-1", parent: "commit-1", source: "jenkins-7", start: at(10, 0), end: at(10, 5),
                                      description: "deploy web", links: [("ci", "http://ci/7")], tags: [("service", ["web"]), ("env", ["prod"])]))
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.err, "")
        XCTAssertEqual(run.out, "{\"id\": \"deploy-1\", \"parent_id\": \"commit-1\", \"source_id\": \"jenkins-7\", \"start_time\": \"2024-05-01T10:00:00+00:00\", \"end_time\": \"2024-05-01T10:05:00+00:00\", \"description\": \"deploy web\", \"detail_urls\": {\"ci\": \"http://ci/7\"}, \"tags\": {\"service\": [\"web\"], \"env\": [\"prod\"]}}\n")
        // The line written is the event printed, and it reads back the same.
        XCTAssertEqual(store.logLines(), [String(run.out.dropLast())])
        XCTAssertEqual(store.tycho("get", ["deploy-1"]).out, run.out)
        XCTAssertEqual(store.queryIDs(), ["deploy-1"])
    }

    func testAnExistingIDIsRefusedAndNothingOfItIsWritten() throws {
        let store = try WriteFixture()
        XCTAssertEqual(store.put(eventJSON(id: "a", start: at(10, 0), description: "first")).status, 0)
        let before = store.logBytes()

        let again = store.put(eventJSON(id: "a", start: at(11, 0), description: "second", tags: [("k", ["v"])]))
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.out, "")
        XCTAssertTrue(again.err.contains("id 'a' already exists"), again.err)
        XCTAssertEqual(store.logBytes(), before, "a refused put changed the log")
        XCTAssertEqual(store.get("a")?["description"] as? String, "first")

        // In a batch, the others are written and the existing one is not (exit 1 all the same).
        let batch = store.put([eventJSON(id: "b", start: at(10, 1)), eventJSON(id: "a", start: at(12, 0), description: "third")].joined(separator: "\n"))
        XCTAssertEqual(batch.status, 1)
        XCTAssertEqual(batch.ids, ["b"])
        XCTAssertEqual(batch.err, """
            tycho put: event 2 of 2: id 'a' already exists
            tycho put: 1 of 2 events written; only the refused ones above were not

            """)
        XCTAssertEqual(store.logLines().count, 2)
        XCTAssertFalse(String(decoding: store.logBytes(), as: UTF8.self).contains("third"))

        // The same id twice in one batch: the second is the one that already exists.
        let twice = store.put([eventJSON(id: "c", start: at(10, 2), description: "c1"), eventJSON(id: "c", start: at(10, 3), description: "c2")].joined(separator: "\n"))
        XCTAssertEqual(twice.status, 1)
        XCTAssertEqual(twice.ids, ["c"])
        XCTAssertTrue(twice.err.contains("id 'c' already exists"), twice.err)
        XCTAssertEqual(store.get("c")?["description"] as? String, "c1")
        XCTAssertFalse(String(decoding: store.logBytes(), as: UTF8.self).contains("c2"))
    }

    func testAnIDFromAnotherDataFileAlsoExists() throws {
        let store = try WriteFixture()
        try store.writeDataFile("events-2024-05-01.jsonl", [eventJSON(id: "old", start: at(9, 0))])
        let run = store.put(eventJSON(id: "old", start: at(10, 0)))
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.err.contains("id 'old' already exists"), run.err)
        XCTAssertEqual(store.logLines(), [])
    }

    func testAMissingIDGetsAFreshUUID4PrintedBack() throws {
        let store = try WriteFixture()
        let uuid4 = try NSRegularExpression(pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        var seen: Set<String> = []
        for input in [eventJSON(start: at(10, 0), description: "no id"), "{\"id\": null, \"start_time\": \"\(at(10, 0))\"}",
                      eventJSON(start: at(10, 0), description: "no id")] {
            let run = store.put(input)
            XCTAssertEqual(run.status, 0, run.err)
            let id = try XCTUnwrap(run.ids.first)
            XCTAssertEqual(uuid4.numberOfMatches(in: id, range: NSRange(id.startIndex..., in: id)), 1, "not a uuid4: \(id)")
            XCTAssertTrue(seen.insert(id).inserted, "id \(id) given twice")
            XCTAssertNotNil(store.get(id), "the printed id \(id) is not the stored one")
        }
        XCTAssertEqual(store.logLines().count, 3)
    }

    /// Each limit at its edge: the longest allowed is written, one more is refused and not written.
    func testValidationLimits() throws {
        let store = try WriteFixture()
        let accepted: [(String, String)] = [
            ("id of 100", eventJSON(id: String(repeating: "i", count: 100), start: at(10, 0))),
            ("id of 100 non-ASCII characters", eventJSON(id: String(repeating: "é", count: 100), start: at(10, 0))),
            ("parent_id of 100", eventJSON(id: "p100", parent: String(repeating: "p", count: 100), start: at(10, 0))),
            ("source_id of 100", eventJSON(id: "s100", source: String(repeating: "s", count: 100), start: at(10, 0))),
            ("tag value of 200", eventJSON(id: "t200", start: at(10, 0), tags: [("k", [String(repeating: "v", count: 200), "short"])])),
            ("tag value of 200 non-ASCII", eventJSON(id: "t200u", start: at(10, 0), tags: [("k", [String(repeating: "ü", count: 200)])])),
            ("the first storable time", eventJSON(id: "year-0", start: "0000-01-01T00:00:00Z")),
            ("the last storable time", eventJSON(id: "year-9999", start: "9999-12-31T23:59:59.999Z")),
            ("an offset that stays in 9999", eventJSON(id: "year-9999-offset", start: "9999-12-31T18:00:00-05:00")),
        ]
        for (what, input) in accepted {
            let run = store.put(input)
            XCTAssertEqual(run.status, 0, "\(what): \(run.err)")
        }
        let refused: [(String, String, String)] = [
            ("empty id", eventJSON(id: "", start: at(10, 0)), "id"),
            ("id of 101", eventJSON(id: String(repeating: "i", count: 101), start: at(10, 0)), "100"),
            ("id of 101 non-ASCII", eventJSON(id: String(repeating: "é", count: 101), start: at(10, 0)), "100"),
            ("parent_id of 101", eventJSON(id: "p101", parent: String(repeating: "p", count: 101), start: at(10, 0)), "parent_id"),
            ("source_id of 101", eventJSON(id: "s101", source: String(repeating: "s", count: 101), start: at(10, 0)), "source_id"),
            ("tag value of 201", eventJSON(id: "t201", start: at(10, 0), tags: [("k", ["ok", String(repeating: "v", count: 201)])]), "200"),
            ("null tag value", "{\"id\": \"null-value\", \"start_time\": \"\(at(10, 0))\", \"tags\": {\"k\": [\"a\", null]}}", "tag"),
            ("null tag list", "{\"id\": \"null-list\", \"start_time\": \"\(at(10, 0))\", \"tags\": {\"k\": null}}", "tag"),
            ("empty tag name", eventJSON(id: "empty-key", start: at(10, 0), tags: [("", ["v"])]), "tag"),
            ("number tag value", "{\"id\": \"number-value\", \"start_time\": \"\(at(10, 0))\", \"tags\": {\"k\": [1]}}", "tag"),
            ("words for a time", eventJSON(id: "bad-time-1", start: "yesterday"), "start_time"),
            ("month 13", eventJSON(id: "bad-time-2", start: "2024-13-01T10:00:00Z"), "start_time"),
            ("30 February", eventJSON(id: "bad-time-3", end: "2024-02-30T10:00:00Z"), "end_time"),
            ("hour 25", eventJSON(id: "bad-time-4", start: "2024-05-01T25:00:00Z"), "start_time"),
            ("trailing text", eventJSON(id: "bad-time-5", start: "2024-05-01T10:00:00Z garbage"), "start_time"),
            ("a number for a time", "{\"id\": \"bad-time-6\", \"start_time\": 1714557600}", "start_time"),
            // Their UTC form (years 10000 and -1) would be a line no reader can read: the parser refuses them.
            ("a time past 9999 in UTC", eventJSON(id: "year-10000", start: "9999-12-31T23:00:00-05:00"), "start_time '9999-12-31T23:00:00-05:00': outside the years 0000–9999 once converted to UTC"),
            ("a time before 0000 in UTC", eventJSON(id: "year-minus-1", end: "0000-01-01T00:00:00+01:00"), "end_time '0000-01-01T00:00:00+01:00': outside the years 0000–9999"),
            ("a number for an id", "{\"id\": 7, \"start_time\": \"\(at(10, 0))\"}", "id"),
        ]
        for (what, input, fragment) in refused {
            let before = store.snapshot()
            let run = store.put(input)
            XCTAssertEqual(run.status, 1, "\(what) was not refused: \(run.out)")
            XCTAssertEqual(run.out, "", what)
            XCTAssertTrue(run.err.contains(fragment), "\(what): the message does not name \(fragment): \(run.err)")
            XCTAssertEqual(store.snapshot(), before, "\(what): something was written")
        }
        XCTAssertEqual(store.logLines().count, accepted.count)
        XCTAssertEqual(try store.load().problems.count, 0)

        // A refused event in a batch leaves the valid ones of the batch written.
        let batch = store.put([eventJSON(id: "fine", start: at(10, 0)), eventJSON(id: "too-long-parent", parent: String(repeating: "p", count: 101), start: at(10, 0))].joined(separator: "\n"))
        XCTAssertEqual(batch.status, 1)
        XCTAssertEqual(batch.ids, ["fine"])
        XCTAssertNil(store.get("too-long-parent"))
    }

    func testOneTimestampGivenMeansBoth() throws {
        let store = try WriteFixture()
        let startOnly = store.put(eventJSON(id: "start-only", start: "2024-05-01T10:00:00.250Z"))
        XCTAssertEqual(startOnly.status, 0, startOnly.err)
        XCTAssertEqual(startOnly.objects.first?["start_time"] as? String, "2024-05-01T10:00:00.250000+00:00")
        XCTAssertEqual(startOnly.objects.first?["end_time"] as? String, "2024-05-01T10:00:00.250000+00:00")
        let endOnly = store.put(eventJSON(id: "end-only", end: "2024-05-01T12:00:00+02:00"))
        XCTAssertEqual(endOnly.status, 0, endOnly.err)
        XCTAssertEqual(endOnly.objects.first?["start_time"] as? String, at(10, 0))
        XCTAssertEqual(endOnly.objects.first?["end_time"] as? String, at(10, 0))
        XCTAssertEqual(store.get("end-only")?["start_time"] as? String, at(10, 0))
    }

    func testNoTimestampMeansNow() throws {
        let store = try WriteFixture()
        // With an injected clock, exactly.
        let clock: Int64 = 1_714_557_600_123
        let outcomes = try store.writer(now: clock).create([EventDraft(id: "clocked"), EventDraft(description: "no id, no time")])
        let events = try outcomes.map { try $0.get() }
        XCTAssertEqual(events.map(\.startTime), [clock, clock])
        XCTAssertEqual(events.map(\.endTime), [clock, clock])
        XCTAssertEqual(events[1].id, "generated-1")
        let loaded = try store.load()
        XCTAssertEqual(loaded.record(id: "generated-1").map(loaded.startTime), clock)

        // Through the command line, the real clock.
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let run = store.put(eventJSON(id: "now"))
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        XCTAssertEqual(run.status, 0, run.err)
        let start = milliseconds(try XCTUnwrap(run.objects.first?["start_time"] as? String))
        XCTAssertTrue((before...after).contains(start), "\(start) is not between \(before) and \(after)")
        XCTAssertEqual(run.objects.first?["end_time"] as? String, run.objects.first?["start_time"] as? String)
    }

    /// The same rules through the writer itself (what the browser would call).
    func testTheWriterReportsEachOutcome() throws {
        let store = try WriteFixture()
        let writer = store.writer()
        let outcomes = try writer.create([EventDraft(id: "x", startTime: 5), EventDraft(id: "x", startTime: 6), EventDraft(id: "", startTime: 7)])
        XCTAssertEqual(try outcomes[0].get(), Event(id: "x", startTime: 5, endTime: 5))
        guard case .failure(let error) = outcomes[1] else { return XCTFail("an existing id was accepted") }
        XCTAssertEqual(error.description, "id 'x' already exists")
        guard case .failure = outcomes[2] else { return XCTFail("an empty id was accepted") }
        XCTAssertEqual(store.logLines().count, 1)
    }
}
