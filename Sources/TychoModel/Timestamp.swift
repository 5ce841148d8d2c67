/// ISO 8601 timestamps as Tycho stores them: UTC milliseconds since 1970 (Tycho truncates to ms).
///
/// Parsing works on bytes so the loader never builds a `String` per timestamp.
public enum Timestamp {
    /// Why a timestamp was rejected.
    public struct Invalid: Error, Equatable, Sendable {
        public let reason: String
    }

    /// Parses `text`; see `parse(_:)` on bytes for the accepted forms.
    public static func parse(_ text: String) throws(Invalid) -> Int64 {
        var copy = text
        let result = copy.withUTF8 { buffer in Result { () throws(Invalid) in try parse(buffer) } }
        return try result.get()
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `T`/`t`/space and `HH:MM[:SS[.fraction]]`
    /// and an offset `Z`/`z`, `±HH:MM`, `±HHMM` or `±HH`. No offset means UTC; `24:00:00`
    /// means the end of that day; up to 9 fraction digits, truncated to milliseconds.
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) throws(Invalid) -> Int64 {
        if let usual = parseUsualForm(b) { return usual }
        var i = 0
        let n = b.count

        // `StaticString` labels: a `String` argument cost more than the parse itself.
        func digits(_ count: Int, _ what: StaticString) throws(Invalid) -> Int {
            guard i + count <= n else { throw Invalid(reason: "\(what): expected \(count) digits") }
            var value = 0
            for _ in 0..<count {
                let d = Int(b[i]) &- 48
                guard d >= 0 && d <= 9 else { throw Invalid(reason: "\(what): expected \(count) digits") }
                value = value * 10 + d
                i += 1
            }
            return value
        }
        func expect(_ byte: UInt8, _ what: StaticString) throws(Invalid) {
            guard i < n, b[i] == byte else { throw Invalid(reason: "expected '\(Character(Unicode.Scalar(byte)))' \(what)") }
            i += 1
        }

        let year = try digits(4, "year")
        try expect(UInt8(ascii: "-"), "after the year")
        let month = try digits(2, "month")
        try expect(UInt8(ascii: "-"), "after the month")
        let day = try digits(2, "day")
        guard (1...12).contains(month) else { throw Invalid(reason: "month \(month) out of range") }
        guard day >= 1 && day <= daysInMonth(year: year, month: month) else {
            throw Invalid(reason: "day \(day) out of range for \(year)-\(pad2(month))")
        }
        var hour = 0, minute = 0, second = 0, millisecond = 0, hasFraction = false
        var offsetMinutes = 0
        if i < n {
            let separator = b[i]
            guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else {
                throw Invalid(reason: "expected 'T' or a space after the date")
            }
            i += 1
            hour = try digits(2, "hour")
            try expect(UInt8(ascii: ":"), "after the hour")
            minute = try digits(2, "minute")
            if i < n && b[i] == UInt8(ascii: ":") {
                i += 1
                second = try digits(2, "second")
                if i < n && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
                    i += 1
                    var count = 0
                    while i < n, b[i] >= 48, b[i] <= 57 {
                        if count < 3 { millisecond = millisecond * 10 + Int(b[i] - 48) }
                        if b[i] != 48 { hasFraction = true }
                        count += 1
                        i += 1
                    }
                    guard count >= 1 else { throw Invalid(reason: "expected digits after the decimal point") }
                    guard count <= 9 else { throw Invalid(reason: "more than 9 fraction digits") }
                    if count < 3 { for _ in count..<3 { millisecond *= 10 } }
                }
            }
            guard hour <= 24 else { throw Invalid(reason: "hour \(hour) out of range") }
            guard minute <= 59 else { throw Invalid(reason: "minute \(minute) out of range") }
            guard second <= 59 else { throw Invalid(reason: "second \(second) out of range") }
            if hour == 24 && (minute != 0 || second != 0 || hasFraction) {
                throw Invalid(reason: "24:00 is the only time allowed with hour 24")
            }
            if i < n {
                let sign = b[i]
                if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                    i += 1
                } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                    i += 1
                    let offsetHour = try digits(2, "offset hour")
                    var offsetMinute = 0
                    if i < n {
                        if b[i] == UInt8(ascii: ":") { i += 1 }
                        offsetMinute = try digits(2, "offset minute")
                    }
                    guard offsetHour <= 23, offsetMinute <= 59 else { throw Invalid(reason: "offset out of range") }
                    offsetMinutes = (offsetHour * 60 + offsetMinute) * (sign == UInt8(ascii: "-") ? -1 : 1)
                } else {
                    throw Invalid(reason: "unexpected '\(Character(Unicode.Scalar(sign)))' after the time")
                }
            }
            guard i == n else { throw Invalid(reason: "unexpected text after the timestamp") }
        }
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        let result = seconds * 1000 + Int64(millisecond)
        // An offset or 24:00 can carry 0000-01-01 or 9999-12-31 out of the four-digit years,
        // which `format` could not print in a form this parser reads back.
        guard result >= earliest && result < endOfYear9999 else {
            throw Invalid(reason: "outside the years 0000–9999 once converted to UTC")
        }
        return result
    }

    /// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the range of instants Tycho reads and prints.
    static let earliest: Int64 = -62_167_219_200_000
    static let endOfYear9999: Int64 = 253_402_300_800_000

    /// The form nearly every producer writes, `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`, read
    /// at fixed positions; nil for anything else, which the general reader then reads or explains.
    @inline(__always)
    static func parseUsualForm(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = b.count
        guard n >= 19, let p = b.baseAddress else { return nil }
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), p[10] == UInt8(ascii: "T"),
              p[13] == UInt8(ascii: ":"), p[16] == UInt8(ascii: ":") else { return nil }
        var isDigits = true
        @inline(__always) func digit(_ k: Int) -> Int {
            let d = Int(p[k]) &- 48
            isDigits = isDigits && d >= 0 && d <= 9
            return d
        }
        let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
        let month = digit(5) * 10 + digit(6), day = digit(8) * 10 + digit(9)
        let hour = digit(11) * 10 + digit(12), minute = digit(14) * 10 + digit(15), second = digit(17) * 10 + digit(18)
        guard isDigits, month >= 1, month <= 12, day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 59 else { return nil }
        var i = 19, millisecond = 0
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            let first = i
            while i < n, p[i] >= 48, p[i] <= 57 {
                if i - first < 3 { millisecond = millisecond * 10 + Int(p[i] - 48) }
                i += 1
            }
            let count = i - first
            guard count >= 1 && count <= 9 else { return nil }
            for _ in min(count, 3)..<3 { millisecond *= 10 }
        }
        var offsetMinutes = 0
        if i < n {
            let sign = p[i]
            if sign == UInt8(ascii: "Z") {
                i += 1
            } else if (sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")) && n - i == 6 && p[i + 3] == UInt8(ascii: ":") {
                let offsetHour = digit(i + 1) * 10 + digit(i + 2), offsetMinute = digit(i + 4) * 10 + digit(i + 5)
                guard isDigits, offsetHour <= 23, offsetMinute <= 59 else { return nil }
                offsetMinutes = (offsetHour * 60 + offsetMinute) * (sign == UInt8(ascii: "-") ? -1 : 1)
                i += 6
            } else {
                return nil
            }
        }
        guard i == n else { return nil }
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        let result = seconds * 1000 + Int64(millisecond)
        return result >= earliest && result < endOfYear9999 ? result : nil
    }

    /// Tycho's output form: `2018-12-31T18:38:52.345000+00:00`, the fraction left out when zero.
    public static func format(_ milliseconds: Int64) -> String {
        let (days, msOfDay) = floorDivide(milliseconds, 86_400_000)
        let (year, month, day) = civilFromDays(Int(days))
        let ms = Int(msOfDay)
        let hour = ms / 3_600_000, minute = ms / 60_000 % 60, second = ms / 1000 % 60, fraction = ms % 1000
        var text = "\(pad4(year))-\(pad2(month))-\(pad2(day))T\(pad2(hour)):\(pad2(minute)):\(pad2(second))"
        if fraction != 0 { text += "." + pad3(fraction) + "000" }
        return text + "+00:00"
    }

    /// The UTC calendar fields of `milliseconds`, for display.
    public static func components(_ milliseconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let (days, msOfDay) = floorDivide(milliseconds, 86_400_000)
        let (year, month, day) = civilFromDays(Int(days))
        let ms = Int(msOfDay)
        return (year, month, day, ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60)
    }

    /// A year as the data writes it, four digits (`0001`).
    public static func fourDigitYear(_ year: Int) -> String { pad4(year) }

    /// Milliseconds of midnight UTC starting the given civil day.
    public static func milliseconds(year: Int, month: Int, day: Int) -> Int64 {
        Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400_000
    }

    static func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}

func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
func pad3(_ v: Int) -> String { v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)" }
func pad4(_ v: Int) -> String {
    v < 0 ? "-" + pad4(-v) : v < 10 ? "000\(v)" : v < 100 ? "00\(v)" : v < 1000 ? "0\(v)" : "\(v)"
}
