import Testing
import TychoModel

/// `events(matching:)`, the browser's query: tags, excluded tags, time range and words.
@Suite struct EventFilterTests {
    static let files = ["a.jsonl": jsonl(
        eventLine("deploy-1", start: "2020-01-01T00:00:03Z", description: "Deploy checkout to PROD",
                  tags: ["service": ["checkout"], "status": ["fail"]]),
        eventLine("deploy-2", start: "2020-01-01T00:00:02Z", description: "deploy search",
                  tags: ["service": ["search"], "status": ["success"]]),
        eventLine("flag-1", start: "2020-01-01T00:00:01Z", description: "flag dark-mode on",
                  tags: ["service": ["checkout"]]))]

    @Test func aClockTimeIsItsLatestPastOccurrence() throws {
        // Paged at 05:03 about an alert at 23:40: that was last night, not tonight.
        let now = try Timestamp.parse("2026-12-04T05:03:00Z")
        func clock(_ text: String, offset: Int = 0) throws -> Int64 { try TimeExpression.parse(text, now: now, utcOffsetSeconds: offset) }
        #expect(try clock("23:40") == Timestamp.parse("2026-12-03T23:40:00Z"))
        #expect(try clock("05:00") == Timestamp.parse("2026-12-04T05:00:00Z"))
        #expect(try clock("05:03") == now, "the current minute is today")
        #expect(try clock("05:04") == Timestamp.parse("2026-12-03T05:04:00Z"))
        // Local time: 05:03 UTC is 10:33 in Kolkata.
        #expect(try clock("10:00", offset: 19_800) == Timestamp.parse("2026-12-04T04:30:00Z"))
        #expect(try clock("23:40", offset: 19_800) == Timestamp.parse("2026-12-03T18:10:00Z"))
        let filter = try EventFilter(parsing: "at:23:40", now: now)
        #expect(filter.viewString == "at:2026-12-03T23:40:00+00:00")
    }

    @Test func sinceAndUntilNarrowAnAnchorsWindowAndNeverWidenIt() throws {
        let now = try Timestamp.parse("2026-12-04T05:03:00Z")
        func range(_ text: String) throws -> [Int64?] {
            let range = try EventFilter(parsing: text, now: now).range
            return [range.from, range.to]
        }
        let window = [try Timestamp.parse("2026-12-01T10:30:00Z"), try Timestamp.parse("2026-12-01T11:45:00Z")]
        #expect(try range("at:2026-12-01T11:30Z") == window)
        #expect(try range("at:2026-12-01T11:30Z since:2026-11-29T00:00Z") == window, "all terms hold: since: cannot widen")
        #expect(try range("at:2026-12-01T11:30Z since:2026-12-01T11:00Z until:2026-12-02T00:00Z")
                == [try Timestamp.parse("2026-12-01T11:00:00Z"), window[1]])
    }

    @Test func durationsAddUpTheirUnitsAndPrintThemBack() {
        #expect(TimeExpression.duration("7m30s") == 450_000)
        #expect(TimeExpression.duration("1h30m") == 5_400_000)
        #expect(TimeExpression.duration("1w2d") == 777_600_000)
        #expect(TimeExpression.duration("90s") == 90_000)
        for bad in ["", "m", "5", "5m3", "-5m", "5 m", "5mm", "1y", "99999999999999999999s", "10001000w"] {
            #expect(TimeExpression.duration(bad) == nil, "\(bad)")
        }
        #expect(TimeExpression.format(450_000) == "7m30s")
        #expect(TimeExpression.format(90 * 60_000) == "1h30m")
        #expect(TimeExpression.format(86_400_000 + 3_600_000) == "1d1h")
        #expect(TimeExpression.format(0) == "0m")
        for milliseconds: Int64 in [1000, 59_000, 61_000, 3_661_000, 90_061_000, 30 * 86_400_000] {
            #expect(TimeExpression.duration(TimeExpression.format(milliseconds)) == milliseconds)
        }
    }

    @Test func twoAnchorsAreRefused() {
        let error = #expect(throws: FilterError.self) {
            try EventFilter(parsing: "at:2026-12-01T11:25Z at:2026-12-01T11:00Z", now: 0)
        }
        #expect(error?.message == "at: is given twice: keep one anchor (@ moves it)")
    }

    @Test func emptyFilterIsEverythingNewestFirst() throws {
        let store = try DataFixture.load(Self.files)
        let list = store.events(matching: EventFilter())
        #expect(list.count == 3)
        #expect((0..<list.count).map { store.id(list[$0]) } == ["deploy-1", "deploy-2", "flag-1"])
    }

    @Test func excludedTagsRemoveEvents() throws {
        let store = try DataFixture.load(Self.files)
        let list = store.events(matching: EventFilter(tags: [TagTerm(key: "service", value: "checkout")],
                                                      excludedTags: [TagTerm(key: "status", value: "fail")]))
        #expect((0..<list.count).map { store.id(list[$0]) } == ["flag-1"])
    }

    @Test func wordsMatchDescriptionOrIDIgnoringCase() throws {
        let store = try DataFixture.load(Self.files)
        let words = store.events(matching: EventFilter(texts: ["DEPLOY", "prod"]))
        #expect((0..<words.count).map { store.id(words[$0]) } == ["deploy-1"])
        let byID = store.events(matching: EventFilter(texts: ["flag-1"]))
        #expect((0..<byID.count).map { store.id(byID[$0]) } == ["flag-1"])
        #expect(store.events(matching: EventFilter(texts: ["nowhere"])).isEmpty)
    }

    @Test func positionOfARecordInTheList() throws {
        let store = try DataFixture.load(Self.files)
        let list = store.events(matching: EventFilter(tags: [TagTerm(key: "service", value: "checkout")]))
        #expect(list.position(of: try store.required("flag-1")) == 1)
        #expect(list.position(of: try store.required("deploy-2")) == nil)
    }

    @Test func tagKeysAndValueCounts() throws {
        let store = try DataFixture.load(Self.files)
        #expect(store.tagKeys == ["service", "status"])
        #expect(store.tagValueCounts(key: "service").map(\.value) == ["checkout", "search"])
        #expect(store.tagValueCounts(key: "service").map(\.count) == [2, 1])
    }
}
