/// A filter the browser could not understand, with what to type instead.
public struct FilterError: Error, Equatable, Sendable {
    public let message: String
}

extension EventFilter {
    /// Parses the browser's filter: space-separated terms that must all hold.
    /// - `key:value` a tag (`-key:value` excludes it); `parent_id:` and `source_id:` work too;
    /// - `since:T` / `until:T` a time range, T being `90s`, `15m`, `2h`, `3d`, `1w` ago, `now`,
    ///   `today`, `yesterday`, `HH:MM` (today, local time) or an ISO 8601 time (UTC without offset);
    /// - any other word, or a "quoted phrase", must occur in the description or id (any case).
    public init(parsing text: String, now: Int64, utcOffsetSeconds: Int = 0) throws(FilterError) {
        self.init()
        for token in try Self.tokens(text) {
            if token.isQuoted {
                texts.append(token.text.lowercased())
                continue
            }
            let word = token.text
            if let colon = word.firstIndex(of: ":"), colon != word.startIndex {
                let key = String(word[..<colon]), value = String(word[word.index(after: colon)...])
                switch key {
                case "since", "until":
                    guard !value.isEmpty else { throw FilterError(message: "\(key): needs a time, e.g. \(key):2h") }
                    let time = try TimeExpression.parse(value, now: now, utcOffsetSeconds: utcOffsetSeconds)
                    if key == "since" { from = time } else { to = time }
                default:
                    guard !value.isEmpty else { throw FilterError(message: "'\(word)' needs a value after ':'") }
                    if key.hasPrefix("-") {
                        guard key.count > 1 else { throw FilterError(message: "'\(word)' needs a tag name") }
                        excludedTags.append(TagTerm(key: String(key.dropFirst()), value: value))
                    } else {
                        tags.append(TagTerm(key: key, value: value))
                    }
                }
            } else {
                texts.append(word.lowercased())
            }
        }
    }

    struct Token {
        let text: String
        let isQuoted: Bool
    }

    static func tokens(_ text: String) throws(FilterError) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var inQuotes = false
        for character in text {
            if character == "\"" {
                if inQuotes {
                    tokens.append(Token(text: current, isQuoted: true))
                    current = ""
                } else if !current.isEmpty {
                    current.append(character)
                    continue
                }
                inQuotes.toggle()
            } else if character == " " && !inQuotes {
                if !current.isEmpty { tokens.append(Token(text: current, isQuoted: false)) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if inQuotes { throw FilterError(message: "unclosed quote") }
        if !current.isEmpty { tokens.append(Token(text: current, isQuoted: false)) }
        return tokens.filter { !$0.text.isEmpty }
    }
}

/// Times as people type them: relative (`2h` ago), named days, a clock time, or ISO 8601.
public enum TimeExpression {
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
        if let unit = lower.last, let amount = Int64(lower.dropLast()), amount >= 0 {
            let scale: Int64?
            switch unit {
            case "s": scale = 1000
            case "m": scale = 60_000
            case "h": scale = 3_600_000
            case "d": scale = 86_400_000
            case "w": scale = 7 * 86_400_000
            default: scale = nil
            }
            if let scale {
                let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
                guard !overflow else { throw FilterError(message: "'\(text)' is too far back") }
                return now - product
            }
        }
        let parts = lower.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
           (0...23).contains(hour), (0...59).contains(minute) {
            return startOfToday + Int64(hour * 3600 + minute * 60) * 1000
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
