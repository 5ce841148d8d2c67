/// A filter the browser could not understand, with what to type instead.
public struct FilterError: Error, Equatable, Sendable {
    public let message: String
}

extension EventFilter {
    /// Parses the browser's filter: space-separated terms that must all hold.
    /// - `key:value` a tag (`-key:value` excludes it); `parent_id:` and `source_id:` work too;
    ///   quotes let a key or value hold spaces, colons or a leading `-` (`"k:v":"a b"`, `\"` for a quote);
    /// - `since:T` / `until:T` a time range, T being `90s`, `15m`, `2h`, `3d`, `1w` ago, `now`,
    ///   `today`, `yesterday`, `HH:MM` (local time, its latest past occurrence) or an ISO 8601 time (UTC without offset);
    /// - `at:T` an anchor time, with `window:60m+15m` around it;
    /// - any other word, or a "quoted phrase", must occur in the description or id (any case).
    public init(parsing text: String, now: Int64, utcOffsetSeconds: Int = 0) throws(FilterError) {
        self.init()
        var hasWindow = false
        for (token, _) in try Self.tokens(text) {
            guard let colon = token.firstIndex(where: { $0.character == ":" && !$0.isQuoted }) else {
                // No tag: a word or a phrase to find in the text.
                texts.append(String(token.map(\.character)).lowercased())
                continue
            }
            var keyPart = token[..<colon]
            let isExcluded = keyPart.first.map { $0.character == "-" && !$0.isQuoted } ?? false
            if isExcluded { keyPart = keyPart.dropFirst() }
            let key = String(keyPart.map(\.character))
            let value = String(token[(colon + 1)...].map(\.character))
            let isPlainKey = !keyPart.contains { $0.isQuoted } && !isExcluded
            let written = String(token.map(\.character))
            guard !key.isEmpty else { throw FilterError(message: "'\(written)' needs a tag name before ':'") }
            switch isPlainKey ? key : "" {
            case "since", "until", "at":
                guard !value.isEmpty else { throw FilterError(message: "\(key): needs a time, e.g. \(key):\(key == "at" ? "14:05" : "2h")") }
                let time = try TimeExpression.parse(value, now: now, utcOffsetSeconds: utcOffsetSeconds)
                switch key {
                case "since": from = time
                case "until": to = time
                default:
                    // Two anchors are two windows, whose overlap is seldom what was meant.
                    guard anchor == nil else { throw FilterError(message: "at: is given twice: keep one anchor (@ moves it)") }
                    anchor = time
                }
            case "window":
                window = try TimeExpression.window(value)
                hasWindow = true
            default:
                guard !value.isEmpty else { throw FilterError(message: "'\(written)' needs a value after ':'") }
                if isExcluded {
                    excludedTags.append(TagTerm(key: key, value: value))
                } else {
                    tags.append(TagTerm(key: key, value: value))
                }
            }
        }
        if hasWindow && anchor == nil { throw FilterError(message: "window: is the time around an anchor: add at:TIME (e.g. at:14:05)") }
    }

    /// One character of a term, and whether it stood inside quotes.
    struct Piece {
        let character: Character
        let isQuoted: Bool
    }

    /// Splits at unquoted spaces; quotes group, `\"` and `\\` inside quotes stand for themselves.
    /// Each token comes with its text as written.
    static func tokens(_ text: String) throws(FilterError) -> [(pieces: [Piece], written: String)] {
        var tokens: [(pieces: [Piece], written: String)] = []
        var current: [Piece] = []
        var written = ""
        var inQuotes = false
        var wasQuoted = false  // an empty "" still makes a token
        var escaped = false
        for character in text {
            if character == " " && !inQuotes && !escaped {
                if !current.isEmpty || wasQuoted { tokens.append((current, written)) }
                current = []
                written = ""
                wasQuoted = false
                continue
            }
            written.append(character)
            if escaped {
                current.append(Piece(character: character, isQuoted: true))
                escaped = false
            } else if inQuotes && character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
                wasQuoted = true
            } else {
                current.append(Piece(character: character, isQuoted: inQuotes))
            }
        }
        if inQuotes || escaped { throw FilterError(message: "unclosed quote") }
        if !current.isEmpty || wasQuoted { tokens.append((current, written)) }
        return tokens.filter { !$0.pieces.isEmpty }
    }

    /// `text` without its `key:` terms (`at:`), the rest as written: a new anchor replaces the
    /// old one instead of piling up beside it. Text that does not parse is returned as it is.
    public static func removingTerms(_ key: String, from text: String) -> String {
        guard let tokens = try? tokens(text) else { return text }
        let prefix = Array(key + ":")
        return tokens.filter { token in
            !(token.pieces.count >= prefix.count && zip(token.pieces, prefix).allSatisfy { $0.character == $1 && !$0.isQuoted })
        }.map(\.written).joined(separator: " ")
    }

    /// `text` as one filter term part: quoted when it holds a space, a colon, a quote, or starts
    /// with `-`, so it reads back as written.
    public static func quoted(_ text: String, isKey: Bool = false) -> String {
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "\\" || (isKey && $0 == ":") }
            || (isKey && text.hasPrefix("-"))
        guard needsQuotes else { return text }
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }
}

extension TagTerm {
    /// The term as the filter language writes it (`-key:value` when excluded), quoted as needed.
    public func filterTerm(isExcluded: Bool = false) -> String {
        (isExcluded ? "-" : "") + EventFilter.quoted(key, isKey: true) + ":" + EventFilter.quoted(value)
    }
}

extension EventFilter {
    /// The filter as one string that parses back to the same filter, with absolute times, so a
    /// view pasted into an incident channel shows a colleague the same events later.
    public var viewString: String {
        var terms = tags.map { $0.filterTerm() } + excludedTags.map { $0.filterTerm(isExcluded: true) }
        if let from { terms.append("since:" + Timestamp.format(from)) }
        if let to { terms.append("until:" + Timestamp.format(to)) }
        if let anchor { terms.append("at:" + Timestamp.format(anchor)) }
        if window != TimeWindow() { terms.append("window:" + TimeExpression.format(window.before) + "+" + TimeExpression.format(window.after)) }
        terms += texts.map { Self.quoted($0, isKey: true) }  // quoted like a key: a colon or a leading - would change its meaning
        return terms.joined(separator: " ")
    }
}

/// Times as people type them: relative (`2h` ago), named days, a clock time, or ISO 8601.
public enum TimeExpression {
    /// `window:90m` (before; 15 minutes after) or `window:60m+15m` (before and after).
    public static func window(_ text: String) throws(FilterError) -> TimeWindow {
        let parts = text.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), let before = duration(parts[0]), let after = parts.count == 2 ? duration(parts[1]) : TimeWindow().after else {
            throw FilterError(message: "window:\(text): use a duration before the anchor and optionally after it, e.g. window:60m or window:2h+30m")
        }
        return TimeWindow(before: before, after: after)
    }

    /// The longest duration accepted: 10,000 years, so no time arithmetic can overflow.
    static let longestDuration: Int64 = 10_000 * 366 * 86_400_000

    /// Milliseconds in `90s`, `15m`, `2h`, `3d`, `1w` or a sum of them (`1h30m`, `7m30s`), or
    /// nil (also when longer than 10,000 years).
    public static func duration(_ text: String) -> Int64? {
        var total: Int64 = 0, amount: Int64 = 0, hasAmount = false
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
                guard amount <= longestDuration else { return nil }
                hasAmount = true
                continue
            }
            let scale: Int64
            switch byte {
            case UInt8(ascii: "s"): scale = 1000
            case UInt8(ascii: "m"): scale = 60_000
            case UInt8(ascii: "h"): scale = 3_600_000
            case UInt8(ascii: "d"): scale = 86_400_000
            case UInt8(ascii: "w"): scale = 7 * 86_400_000
            default: return nil
            }
            guard hasAmount else { return nil }
            let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
            guard !overflow, product <= longestDuration - total else { return nil }
            total += product
            amount = 0
            hasAmount = false
        }
        return hasAmount || text.isEmpty ? nil : total
    }

    /// The exact form of a duration in whole seconds, largest unit first: `90s` is `1m30s`,
    /// `2h`, `1d6h`, `0m`.
    public static func format(_ milliseconds: Int64) -> String {
        var seconds = milliseconds / 1000
        guard seconds > 0 else { return "0m" }
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= size {
            text += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return text
    }

    public static func parse(_ text: String, now: Int64, utcOffsetSeconds: Int = 0) throws(FilterError) -> Int64 {
        let lower = text.lowercased()
        let offset = Int64(utcOffsetSeconds) * 1000
        let startOfToday = (now + offset).floorDivided(by: 86_400_000) * 86_400_000 - offset
        switch lower {
        case "now": return now
        case "today": return startOfToday
        case "yesterday": return startOfToday - 86_400_000
        default: break
        }
        if let ago = duration(lower) { return now - ago }
        let parts = lower.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
           (0...23).contains(hour), (0...59).contains(minute) {
            // The last time the clock showed it: at 01:00, an alert at 23:40 was last night.
            let clock = startOfToday + Int64(hour * 3600 + minute * 60) * 1000
            return clock > now ? clock - 86_400_000 : clock
        }
        do {
            return try Timestamp.parse(text)
        } catch {
            throw FilterError(message: "'\(text)' is not a time: use 90s, 15m, 2h, 3d, today, yesterday, 14:05 or 2026-12-03T14:05Z")
        }
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
