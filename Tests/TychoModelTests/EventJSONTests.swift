import Foundation
import Testing
import TychoModel

/// Tycho's output shape: all eight fields, `""` for a missing parent or source, UTC times with
/// microseconds (the fraction left out when zero), and strings escaped so output stays JSON.
@Suite struct EventJSONTests {
    static let fieldNames = ["id", "parent_id", "source_id", "start_time", "end_time", "description", "detail_urls", "tags"]

    @Test func allEightFieldsInTychosOrder() throws {
        let text = EventJSON.encode(Event(id: "x", startTime: 0, endTime: 0))
        let object = try #require(try parseJSON(text) as? [String: Any])
        #expect(Set(object.keys) == Set(Self.fieldNames))
        let positions = Self.fieldNames.map { text.range(of: "\"\($0)\": ")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "fields in Tycho's order")
        #expect(object["parent_id"] as? String == "")
        #expect(object["source_id"] as? String == "")
        #expect(object["description"] as? String == "")
        #expect((object["detail_urls"] as? [String: Any])?.isEmpty == true)
        #expect((object["tags"] as? [String: Any])?.isEmpty == true)
    }

    @Test func theUserGuideEventPrintsAsTychoDoes() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            #"{"event": {"id": "my-deploy-event", "parent_id": "user-commit-hash", "start_time": "2018-12-31T18:38:52.345000+00:00", "end_time": "2018-12-31T18:58:52.345000+00:00", "description": "deploy of service foo in environment bar", "detail_urls": {"deploy": "http://deploy-service/deploy/1"}, "tags": {"source": ["deploy"], "service": ["foo"], "environment": ["bar"]}}}"#)])
        let text = EventJSON.encode(store.event(try store.required("my-deploy-event")))
        #expect(text == #"{"id": "my-deploy-event", "parent_id": "user-commit-hash", "source_id": "", "start_time": "2018-12-31T18:38:52.345000+00:00", "end_time": "2018-12-31T18:58:52.345000+00:00", "description": "deploy of service foo in environment bar", "detail_urls": {"deploy": "http://deploy-service/deploy/1"}, "tags": {"source": ["deploy"], "service": ["foo"], "environment": ["bar"]}}"#)
    }

    @Test func timesAreUTCWithTheFractionOnlyWhenNonZero() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("t", start: "2018-12-31T20:38:52+02:00", end: "2018-12-31T19:00:00.1-00:00"))])
        let object = try #require(try parseJSON(EventJSON.encode(store.event(try store.required("t")))) as? [String: Any])
        #expect(object["start_time"] as? String == "2018-12-31T18:38:52+00:00")
        #expect(object["end_time"] as? String == "2018-12-31T19:00:00.100000+00:00")
    }

    @Test func tagsAndLinksKeepTheirOrderAndValues() throws {
        let event = Event(id: "x", startTime: 0, endTime: 0,
                          detailURLs: [NamedURL("z", "http://z"), NamedURL("a", "http://a")],
                          tags: [Tag("zeta", ["2", "1"]), Tag("alpha", ["only"])])
        let text = EventJSON.encode(event)
        #expect(text.hasSuffix(#""detail_urls": {"z": "http://z", "a": "http://a"}, "tags": {"zeta": ["2", "1"], "alpha": ["only"]}}"#))
        let object = try #require(try parseJSON(text) as? [String: Any])
        #expect(object["tags"] as? [String: [String]] == ["zeta": ["2", "1"], "alpha": ["only"]])
    }

    /// Every C0 control, DEL, C1 controls, the JSON specials, line separators, bidi overrides, and
    /// a terminal escape sequence (CSI and OSC 52).
    static let hostile: String = {
        var text = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined()
        text += "\u{7F}\u{80}\u{85}\u{9B}\u{9F}\"\\/\u{2028}\u{2029}\u{202E}\u{2066}"
        text += "\u{1B}[31mred\u{1B}[0m \u{1B}]52;c;aGk=\u{07} 日本 🚀 e\u{301}"
        return text
    }()

    @Test func controlCharactersAreEscapedAndTheOutputParsesBack() throws {
        let event = Event(id: "id" + Self.hostile, parentID: Self.hostile, sourceID: Self.hostile, startTime: 0, endTime: 0,
                          description: Self.hostile, detailURLs: [NamedURL(Self.hostile, Self.hostile)],
                          tags: [Tag(Self.hostile, [Self.hostile])])
        let text = EventJSON.encode(event)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            #expect(value >= 0x20 && !(0x7F..<0xA0).contains(value) && value != 0x2028 && value != 0x2029,
                    "raw U+\(String(value, radix: 16)) in the output")
        }
        let object = try #require(try parseJSON(text) as? [String: Any])
        #expect(object["id"] as? String == "id" + Self.hostile)
        #expect(object["parent_id"] as? String == Self.hostile)
        #expect(object["source_id"] as? String == Self.hostile)
        #expect(object["description"] as? String == Self.hostile)
        #expect(object["detail_urls"] as? [String: String] == [Self.hostile: Self.hostile])
        #expect(object["tags"] as? [String: [String]] == [Self.hostile: [Self.hostile]])
    }

    @Test func hostileStringsFromADataFileRoundTrip() throws {
        // Written with Foundation's encoder, read by the loader, printed by EventJSON.
        let store = try DataFixture.load(["a.jsonl": jsonl(
            "{\"id\": \"h\", \"start_time\": \"2020-01-01T00:00:00Z\", \"description\": \(jsonString(Self.hostile)), \"tags\": {\"k\": [\(jsonString(Self.hostile))]}}")])
        #expect(store.problems.map(\.description) == [])
        let object = try #require(try parseJSON(EventJSON.encode(store.event(try store.required("h")))) as? [String: Any])
        #expect(object["description"] as? String == Self.hostile)
        #expect(object["tags"] as? [String: [String]] == ["k": [Self.hostile]])
    }

    @Test func listIsAJSONArrayOfEvents() throws {
        let events = [Event(id: "a", startTime: 0, endTime: 0), Event(id: "b\n", startTime: 1, endTime: 2)]
        let array = try #require(try parseJSON(EventJSON.encodeList(events)) as? [[String: Any]])
        #expect(array.map { $0["id"] as? String } == ["a", "b\n"])
        #expect(array.allSatisfy { Set($0.keys) == Set(Self.fieldNames) })
        #expect(EventJSON.encodeList([]) == "[]")
    }
}
