import TychoModel

/// Short forms of times and durations for narrow columns.
public enum Format {
    /// `12-03 15:30:56` (UTC).
    public static func shortTime(_ milliseconds: Int64) -> String {
        let c = Timestamp.components(milliseconds)
        return "\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))"
    }

    /// `2025-06-24 14:36` (for lists spanning years).
    public static func dateAndMinute(_ milliseconds: Int64) -> String {
        let c = Timestamp.components(milliseconds)
        return "\(Timestamp.fourDigitYear(c.year))-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute))"
    }

    /// `2026-12-03 15:30:56.123 UTC`.
    public static func fullTime(_ milliseconds: Int64) -> String {
        let c = Timestamp.components(milliseconds)
        let fraction = Int(((milliseconds % 1000) + 1000) % 1000)
        let millis = fraction == 0 ? "" : "." + String(String(fraction + 1000).dropFirst())
        return "\(Timestamp.fourDigitYear(c.year))-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))\(millis) UTC"
    }

    /// `15:30` of a time already shifted to the wanted zone.
    public static func clock(_ milliseconds: Int64) -> String {
        let c = Timestamp.components(milliseconds)
        return "\(pad(c.hour)):\(pad(c.minute))"
    }

    /// An offset from an anchor: `-12m`, `+3m`, `-1h05m`, `0s`.
    public static func offset(_ milliseconds: Int64) -> String {
        (milliseconds < 0 ? "-" : "+") + duration(abs(milliseconds))
    }

    /// How long ago (or ahead) a time is: `5m ago`, `in 3m`.
    public static func relative(_ milliseconds: Int64, now: Int64) -> String {
        milliseconds <= now ? duration(now - milliseconds) + " ago" : "in " + duration(milliseconds - now)
    }

    /// How long an event ran; an end before the start (bad data, kept as written) shows as
    /// the negative span it is, not as 0s.
    public static func span(from start: Int64, to end: Int64) -> String {
        end >= start ? duration(end - start) : "-" + duration(start - end)
    }

    /// `0s`, `45s`, `12m`, `1h05m`, `3d04h`.
    public static func duration(_ milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds / 1000)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + (seconds < 600 && seconds % 60 != 0 ? "\(pad(Int(seconds % 60)))s" : "") }
        if seconds < 86_400 { return "\(seconds / 3600)h\(pad(Int(seconds % 3600 / 60)))m" }
        return "\(seconds / 86_400)d\(pad(Int(seconds % 86_400 / 3600)))h"
    }

    /// `1,234`.
    public static func count(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (k, character) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out += "," }
            out.append(character)
        }
        return out
    }

    /// `1 event`, `1,234 events`.
    public static func count(_ value: Int, _ noun: String) -> String {
        "\(count(value)) \(noun)\(value == 1 ? "" : "s")"
    }

    /// `850 bytes`, `98 kB`, `133.4 MB` (decimal units, as terminals and `ls -h --si` count).
    public static func bytes(_ value: Int) -> String {
        if value < 1000 { return count(value, "byte") }
        if value < 1_000_000 { return "\(value / 1000) kB" }
        return "\(value / 1_000_000).\(value % 1_000_000 / 100_000) MB"
    }

    public static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

}

/// Whether an event counts as failed, by its `status` tag.
func isFailure(_ status: String) -> Bool {
    let lower = status.lowercased()
    return lower == "fail" || lower == "failed" || lower == "failure" || lower == "error"
}

extension StringProtocol {
    /// An ISO time with a space for the `T`, for people.
    func replacingT() -> String { String(map { $0 == "T" ? " " : $0 }) }
}
