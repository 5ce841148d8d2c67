import Testing
import TychoModel

/// Timestamps at the edges of the calendar and of the grammar: each is read as an exact UTC
/// millisecond count (checked against values computed outside Tycho) or rejected with a reason
/// naming the field, and a rejected time in a data file names its file and line.
@Suite struct HostileTimeTests {
    /// Accepted forms and their exact values (UTC ms since 1970, from Python's `calendar.timegm`).
    static let exact: [(String, Int64)] = [
        // Leap days: every 4 years, not every 100, but every 400.
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ("2000-02-29", 951_782_400_000),
        // Year boundaries, also crossed by an offset.
        ("2025-12-31T23:59:59.999Z", 1_767_225_599_999),
        ("2026-01-01T00:00:00Z", 1_767_225_600_000),
        ("2025-12-31T23:00:00-01:00", 1_767_225_600_000),
        ("2026-01-01T00:30:00+01:00", 1_767_223_800_000),
        ("1999-12-31T23:59:59.999Z", 946_684_799_999),
        // 24:00 is the end of the day: the next midnight, also across a year.
        ("2026-12-31T24:00:00Z", 1_798_761_600_000),
        ("2026-12-31T24:00Z", 1_798_761_600_000),
        ("2026-12-31T24:00:00.000Z", 1_798_761_600_000),
        // Offsets: Nepal's +05:45 in all three spellings, and -00:00 as UTC.
        ("2026-01-01T05:45:00+05:45", 1_767_225_600_000),
        ("2026-01-01T05:45:00+0545", 1_767_225_600_000),
        ("2026-01-01T00:00:00-00:00", 1_767_225_600_000),
        ("2026-01-01T00:00:00+00", 1_767_225_600_000),
        ("2026-01-01T00:00:00-23:59", 1_767_311_940_000),
        // Up to 9 fraction digits, truncated (never rounded) to milliseconds; comma too.
        ("2026-01-01T00:00:00.123456789Z", 1_767_225_600_123),
        ("2026-01-01T00:00:00.999999999Z", 1_767_225_600_999),
        ("2026-01-01T00:00:00.1Z", 1_767_225_600_100),
        ("2026-01-01T00:00:00,5Z", 1_767_225_600_500),
        // Lowercase separators.
        ("2026-01-01t00:00:00z", 1_767_225_600_000),
        ("2026-01-01t05:45:00+05:45", 1_767_225_600_000),
        ("2026-01-01 00:00:00", 1_767_225_600_000),
        // Before 1970 (negative, fraction still counted forward).
        ("1969-12-31T23:59:59.999Z", -1),
        ("1969-12-31T23:59:59Z", -1_000),
        ("1900-01-01T00:00:00Z", -2_208_988_800_000),
        ("0001-01-01", -62_135_596_800_000),
        ("0000-01-01T00:00:00Z", -62_167_219_200_000),
        ("0000-01-01T00:00:00-01:00", -62_167_215_600_000),
        // After 2100 (2100 is not a leap year), and the last millisecond Tycho prints.
        ("2100-03-01T00:00:00Z", 4_107_542_400_000),
        ("2262-04-12", 9_223_372_800_000),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
        ("9999-12-31T23:59:59+01:00", 253_402_297_199_000),
    ]

    @Test(arguments: exact)
    func exactValue(_ text: String, _ expected: Int64) throws {
        #expect(try Timestamp.parse(text) == expected, "\(text)")
    }

    @Test(arguments: exact)
    func printedFormReadsBackAsTheSameInstant(_ text: String, _ expected: Int64) throws {
        let printed = Timestamp.format(expected)
        #expect(try Timestamp.parse(printed) == expected, "\(text) printed as \(printed)")
    }

    @Test func extremesPrintAsFourDigitYears() {
        #expect(Timestamp.format(-1) == "1969-12-31T23:59:59.999000+00:00")
        #expect(Timestamp.format(-62_167_219_200_000) == "0000-01-01T00:00:00+00:00")
        #expect(Timestamp.format(253_402_300_799_999) == "9999-12-31T23:59:59.999000+00:00")
        #expect(Timestamp.format(1_798_761_600_000) == "2027-01-01T00:00:00+00:00")
    }

    /// Rejected forms, each with the words its reason must contain.
    static let rejected: [(String, String)] = [
        ("2026-13-01", "month 13 out of range"),
        ("2026-00-10", "month 0 out of range"),
        ("2026-02-30", "day 30 out of range for 2026-02"),
        ("2023-02-29", "day 29 out of range for 2023-02"),
        ("1900-02-29", "day 29 out of range for 1900-02"),
        ("2100-02-29", "day 29 out of range for 2100-02"),
        ("2026-04-31", "day 31 out of range for 2026-04"),
        ("2026-01-00", "day 0 out of range"),
        ("2026-01-01T00:00:61Z", "second 61 out of range"),
        ("2026-12-31T23:59:60Z", "second 60 out of range"),
        ("2026-01-01T00:60:00Z", "minute 60 out of range"),
        ("2026-01-01T25:00:00Z", "hour 25 out of range"),
        ("2026-01-01T24:00:01Z", "24:00 is the only time allowed with hour 24"),
        ("2026-01-01T24:01Z", "24:00 is the only time allowed with hour 24"),
        ("2026-01-01T24:00:00.5Z", "24:00 is the only time allowed with hour 24"),
        ("2026-01-01T00:00:00.1234567890Z", "more than 9 fraction digits"),
        ("2026-01-01T00:00:00.Z", "expected digits after the decimal point"),
        ("2026-01-01T00:00:00+24:00", "offset out of range"),
        ("2026-01-01T00:00:00+05:60", "offset out of range"),
        ("2026-01-01T00:00:00+5:45", "offset hour: expected 2 digits"),
        ("2026-01-01T00:00:00+05:4", "offset minute: expected 2 digits"),
        ("2026-01-01T00:00:00 Z", "unexpected ' ' after the time"),
        ("2026-01-01T00:00:00ZZ", "unexpected text after the timestamp"),
        ("2026-01-01x00:00", "expected 'T' or a space after the date"),
        ("2026-01-01T", "hour: expected 2 digits"),
        (" 2026-01-01", "year: expected 4 digits"),
        ("26-01-01", "year: expected 4 digits"),
        ("+2026-01-01", "year: expected 4 digits"),
        ("10000-01-01", "expected '-' after the year"),
        ("", "year: expected 4 digits"),
        // Arabic-Indic digits are digits to Unicode, not to ISO 8601.
        ("٢٠٢٦-01-01", "year: expected 4 digits"),
        // An offset or 24:00 that leaves the four-digit years (found by the fuzzer).
        ("0000-01-01T00:00+01:00", "outside the years 0000–9999"),
        ("9999-12-31T23:59:59-00:01", "outside the years 0000–9999"),
        ("9999-12-31T24:00:00Z", "outside the years 0000–9999"),
    ]

    @Test(arguments: rejected)
    func clearRejection(_ text: String, _ reason: String) {
        #expect(throws: Timestamp.Invalid.self, "\(text)") { try Timestamp.parse(text) }
        do {
            _ = try Timestamp.parse(text)
        } catch {
            #expect(error.reason.contains(reason), "\(text): \(error.reason)")
        }
    }

    @Test func rejectedTimesInAFileNameTheirLineAndTheOtherLinesLoad() throws {
        let text = """
            {"id": "leap", "start_time": "2024-02-29T23:59:59.999999999z"}
            {"id": "month13", "start_time": "2026-13-01T00:00:00Z"}
            {"id": "nepal", "start_time": "2026-01-01t05:45:00+05:45", "end_time": "2026-01-01T24:00"}
            {"id": "second61", "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:61Z"}
            {"id": "feb30", "start_time": "2026-02-30"}

            """
        let store = try loadFile(text)
        #expect(store.problemTexts == [
            "events.jsonl:2: start_time '2026-13-01T00:00:00Z': month 13 out of range",
            "events.jsonl:4: end_time '2026-01-01T00:00:61Z': second 61 out of range",
            "events.jsonl:5: start_time '2026-02-30': day 30 out of range for 2026-02",
        ])
        #expect(Set(store.allIDs) == ["leap", "nepal"])
        #expect(try store.required("leap").startTime == 1_709_251_199_999)
        let nepal = try store.required("nepal")
        #expect(nepal.startTime == 1_767_225_600_000)
        #expect(nepal.endTime == 1_767_312_000_000)
    }

    @Test func aVeryLongTimeIsQuotedShortInTheReason() throws {
        let long = "2026-01-01T00:00:00." + String(repeating: "9", count: 100_000)
        let store = try loadFile("{\"id\": \"x\", \"start_time\": \"\(long)\"}\n")
        #expect(store.count == 0)
        let problem = try #require(store.problems.first)
        #expect(problem.line == 1)
        #expect(problem.reason.contains("more than 9 fraction digits"))
        #expect(problem.reason.count < 200, "reason of \(problem.reason.count) characters")
    }
}
