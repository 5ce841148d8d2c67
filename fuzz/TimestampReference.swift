/// An independent, deliberately plain reading of Tycho's timestamp grammar, for the fuzzer to
/// compare `Timestamp.parse` with. It shares no code with the model: the grammar is taken from
/// the documentation of `Timestamp.parse`, the calendar arithmetic is done a different way.
///
/// `YYYY-MM-DD`, optionally `T`/`t`/space and `HH:MM[:SS[(.|,)1–9 digits]]` and an offset
/// `Z`/`z`, `±HH:MM`, `±HHMM` or `±HH`. Returns nil for anything else.
enum TimestampReference {
    static func milliseconds(_ text: [UInt8]) -> Int64? {
        var fields = Fields()
        guard read(text, into: &fields) else { return nil }
        // Only instants in the years 0000–9999 once converted to UTC (what Tycho can print).
        let utc = fields.milliseconds
        let first = Int64(daysSince1970(year: 0, month: 1, day: 1)) * 86_400_000
        let last = Int64(daysSince1970(year: 9999, month: 12, day: 31) + 1) * 86_400_000
        return utc >= first && utc < last ? utc : nil
    }

    /// The fields of a timestamp as written (before the offset is applied).
    struct Fields {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millisecond = 0
        var offsetMinutes = 0

        var milliseconds: Int64 {
            let days = daysSince1970(year: year, month: month, day: day)
            let seconds = Int64(days) * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
            return (seconds - Int64(offsetMinutes) * 60) * 1000 + Int64(millisecond)
        }
    }

    static func read(_ text: [UInt8], into f: inout Fields) -> Bool {
        func number(_ slice: ArraySlice<UInt8>) -> Int? {
            guard !slice.isEmpty, slice.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return slice.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        let n = text.count
        guard n >= 10, text[4] == 0x2D, text[7] == 0x2D,
              let year = number(text[0..<4]), let month = number(text[5..<7]), let day = number(text[8..<10])
        else { return false }
        guard month >= 1 && month <= 12, day >= 1, day <= monthLength(year: year, month: month) else { return false }
        (f.year, f.month, f.day) = (year, month, day)
        if n == 10 { return true }
        guard [0x54, 0x74, 0x20].contains(text[10]), n >= 16, text[13] == 0x3A,
              let hour = number(text[11..<13]), let minute = number(text[14..<16])
        else { return false }
        (f.hour, f.minute) = (hour, minute)
        var i = 16
        var fractionIsZero = true
        if i < n && text[i] == 0x3A {
            guard i + 3 <= n, let second = number(text[i + 1..<i + 3]) else { return false }
            f.second = second
            i += 3
            if i < n && (text[i] == 0x2E || text[i] == 0x2C) {
                let digitsStart = i + 1
                var end = digitsStart
                while end < n && text[end] >= 0x30 && text[end] <= 0x39 { end += 1 }
                let digits = text[digitsStart..<end]
                guard digits.count >= 1 && digits.count <= 9 else { return false }
                fractionIsZero = digits.allSatisfy { $0 == 0x30 }
                let firstThree = Array(digits.prefix(3)) + Array(repeating: 0x30, count: max(0, 3 - digits.count))
                f.millisecond = number(firstThree[...]) ?? 0
                i = end
            }
        }
        guard f.hour <= 24, f.minute <= 59, f.second <= 59 else { return false }
        if f.hour == 24 && (f.minute != 0 || f.second != 0 || !fractionIsZero) { return false }
        if i == n { return true }
        let rest = Array(text[i...])
        if rest == [0x5A] || rest == [0x7A] { return true }
        guard rest[0] == 0x2B || rest[0] == 0x2D else { return false }
        let sign = rest[0] == 0x2D ? -1 : 1
        let offsetHour: Int?, offsetMinute: Int?
        switch rest.count {
        case 3: (offsetHour, offsetMinute) = (number(rest[1..<3]), 0)
        case 5: (offsetHour, offsetMinute) = (number(rest[1..<3]), number(rest[3..<5]))
        case 6 where rest[3] == 0x3A: (offsetHour, offsetMinute) = (number(rest[1..<3]), number(rest[4..<6]))
        default: return false
        }
        guard let offsetHour, let offsetMinute, offsetHour <= 23, offsetMinute <= 59 else { return false }
        f.offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        return true
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func monthLength(year: Int, month: Int) -> Int {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days from 1970-01-01 to the given day (years 0–9999), counted as whole years, then months.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        // Leap years in [0, y): year 0 is one (the proleptic Gregorian calendar).
        func daysBefore(_ y: Int) -> Int { 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400 }
        var days = daysBefore(year) - daysBefore(1970)
        for m in 1..<month { days += monthLength(year: year, month: m) }
        return days + day - 1
    }
}
