import Testing
import TychoModel

/// Timestamps as they arrive in data files: every accepted ISO 8601 form, stored as UTC
/// milliseconds (truncated, not rounded), and the out-of-range forms that must be rejected.
@Suite struct TimestampFormTests {
    /// 2018-12-31T18:38:52.345Z, the time of the original Tycho user guide.
    static let guideTime: Int64 = 1_546_281_532_345

    static let accepted: [(text: String, milliseconds: Int64)] = [
        ("2018-12-31T18:38:52.345Z", guideTime),
        ("2018-12-31T18:38:52.345000+00:00", guideTime),
        ("2018-12-31T20:38:52.345+02:00", guideTime),
        ("2018-12-31T20:38:52.345+0200", guideTime),
        ("2018-12-31T13:38:52.345-05:00", guideTime),
        ("2018-12-31T13:38:52.345-0500", guideTime),
        ("2018-12-31 18:38:52.345Z", guideTime),
        ("2018-12-31 18:38:52.345", guideTime),  // no offset: UTC
        ("2018-12-31T18:38:52.345", guideTime),
        ("2018-12-31t18:38:52.345z", guideTime),
        ("2018-12-31T18:38:52.345-00:00", guideTime),
        // 0 to 9 fraction digits, truncated to milliseconds.
        ("2018-12-31T18:38:52Z", guideTime - 345),
        ("2018-12-31T18:38:52.3Z", guideTime - 45),
        ("2018-12-31T18:38:52.34Z", guideTime - 5),
        ("2018-12-31T18:38:52.3456Z", guideTime),
        ("2018-12-31T18:38:52.34567Z", guideTime),
        ("2018-12-31T18:38:52.345678Z", guideTime),
        ("2018-12-31T18:38:52.3456789Z", guideTime),
        ("2018-12-31T18:38:52.34567890Z", guideTime),
        ("2018-12-31T18:38:52.345999999Z", guideTime),
        ("2018-12-31T18:38:52.000000000Z", guideTime - 345),
        // Offsets that cross a day or a year, and an offset of 5 h 45 min (Nepal).
        ("2019-01-01T00:00:00+05:45", 1_546_280_100_000),
        ("2019-01-01T01:38:52.345+07:00", guideTime),
        ("2018-12-31T23:59:59.999-00:00", 1_546_300_799_999),
        // 24:00 is the end of the day: midnight of the next one (here, the next year).
        ("2018-12-31T24:00:00Z", 1_546_300_800_000),
        ("2018-12-31T24:00Z", 1_546_300_800_000),
        // Leap days, and years far from 1970 on both sides.
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ("2000-02-29T00:00:00Z", 951_782_400_000),
        ("1969-12-31T23:59:59.999Z", -1),
        ("1900-01-01T00:00:00Z", -2_208_988_800_000),
        ("0001-01-01T00:00:00Z", -62_135_596_800_000),
        ("2100-03-01T00:00:00Z", 4_107_542_400_000),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
    ]

    static let rejected: [String] = [
        "2018-13-01T00:00:00Z",  // month 13
        "2018-00-10T00:00:00Z",  // month 0
        "2018-12-31T23:59:61Z",  // second 61
        "2018-12-31T23:60:00Z",  // minute 60
        "2018-12-31T25:00:00Z",  // hour 25
        "2018-12-31T24:00:01Z",  // only 24:00 itself is allowed
        "2018-12-31T24:00:00.5Z",
        "2023-02-29T00:00:00Z",  // not a leap year
        "2100-02-29T00:00:00Z",  // not a leap year (divisible by 100)
        "2018-11-31T00:00:00Z",  // November has 30 days
        "2018-12-00T00:00:00Z",
        "2018-12-31T18:38:52.3456789012Z",  // 10 fraction digits
        "2018-12-31T18:38:52.Z",  // a point without digits
        "2018-12-31T18:38:52+24:00",  // offset hour out of range
        "2018-12-31T18:38:52+05:60",
        "2018-12-31T18:38:52 UTC",
        "2018-12-31X18:38:52Z",
        "2018/12/31T18:38:52Z",
        "18-12-31T18:38:52Z",
        "yesterday",
        "",
    ]

    @Test func acceptedFormsLoadAsUTCMilliseconds() throws {
        let lines = Self.accepted.enumerated().map { k, form in eventLine("t\(k)", start: form.text) }
        let store = try DataFixture.load(["times.jsonl": lines.map { $0 + "\n" }.joined()])
        #expect(store.problems.map(\.description) == [])
        for (k, form) in Self.accepted.enumerated() {
            let record = try store.required("t\(k)")
            #expect(store.startTime(record) == form.milliseconds, "\(form.text)")
        }
    }

    @Test func acceptedFormsParseDirectly() throws {
        for form in Self.accepted {
            #expect(try Timestamp.parse(form.text) == form.milliseconds, "\(form.text)")
        }
    }

    @Test func outOfRangeFormsAreRejectedWithTheirLine() throws {
        var lines = [eventLine("good-first")]
        lines += Self.rejected.enumerated().map { k, text in eventLine("r\(k)", start: text) }
        lines.append(eventLine("good-last"))
        let store = try DataFixture.load(["times.jsonl": lines.map { $0 + "\n" }.joined()])
        #expect(store.allIDs.sorted() == ["good-first", "good-last"])
        #expect(store.problems.map(\.line) == Array(2...(Self.rejected.count + 1)))
        for (problem, text) in zip(store.problems, Self.rejected) {
            #expect(problem.file == "times.jsonl")
            #expect(problem.reason.contains("start_time"), "\(text): \(problem.reason)")
        }
        for text in Self.rejected {
            #expect(throws: Timestamp.Invalid.self, "\(text)") { try Timestamp.parse(text) }
        }
    }

    @Test func rejectionNamesTheBadField() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("month", start: "2018-13-01T00:00:00Z"),
            eventLine("second", start: "2018-12-31T23:59:61Z"),
            eventLine("end", start: "2018-12-31T23:59:00Z", end: "2018-12-31T23:59:00+99:00"))])
        let reasons = store.problems.map(\.reason)
        #expect(reasons.count == 3)
        #expect(reasons[0].contains("month"), "\(reasons[0])")
        #expect(reasons[1].contains("second"), "\(reasons[1])")
        #expect(reasons[2].contains("end_time"), "\(reasons[2])")
    }

    @Test func formatIsTychosOutputForm() {
        #expect(Timestamp.format(Self.guideTime) == "2018-12-31T18:38:52.345000+00:00")
        #expect(Timestamp.format(Self.guideTime - 345) == "2018-12-31T18:38:52+00:00")
        #expect(Timestamp.format(Self.guideTime - 344) == "2018-12-31T18:38:52.001000+00:00")
        #expect(Timestamp.format(Self.guideTime - 305) == "2018-12-31T18:38:52.040000+00:00")
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00+00:00")
        #expect(Timestamp.format(-1) == "1969-12-31T23:59:59.999000+00:00")
        #expect(Timestamp.format(-2_208_988_800_000) == "1900-01-01T00:00:00+00:00")
        #expect(Timestamp.format(1_709_208_000_000) == "2024-02-29T12:00:00+00:00")
        #expect(Timestamp.format(4_107_542_400_000) == "2100-03-01T00:00:00+00:00")
    }

    @Test func formatThenParseRoundTrips() throws {
        for form in Self.accepted {
            #expect(try Timestamp.parse(Timestamp.format(form.milliseconds)) == form.milliseconds, "\(form.text)")
        }
    }
}
