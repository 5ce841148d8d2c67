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
                case "since", "until", "at":
                    guard !value.isEmpty else { throw FilterError(message: "\(key): needs a time, e.g. \(key):\(key == "at" ? "14:05" : "2h")") }
                    let time = try TimeExpression.parse(value, now: now, utcOffsetSeconds: utcOffsetSeconds)
                    switch key {
                    case "since": from = time
                    case "until": to = time
                    default: anchor = time
                    }
                case "window":
                    window = try TimeExpression.window(value)
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

extension EventFilter {
    /// The filter as one string that parses back to the same filter, with absolute times, so a
    /// view pasted into an incident channel shows a colleague the same events later.
    public var viewString: String {
        var terms = tags.map { quotedTerm($0.description) } + excludedTags.map { quotedTerm("-" + $0.description) }
        if let from { terms.append("since:" + Timestamp.format(from)) }
        if let to { terms.append("until:" + Timestamp.format(to)) }
        if let anchor { terms.append("at:" + Timestamp.format(anchor)) }
        if window != TimeWindow() { terms.append("window:" + TimeExpression.format(window.before) + "+" + TimeExpression.format(window.after)) }
        terms += texts.map { $0.contains(" ") || $0.contains(":") || $0.isEmpty ? "\"\($0)\"" : $0 }
        return terms.joined(separator: " ")
    }

    private func quotedTerm(_ term: String) -> String { term }
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

    /// Milliseconds in `90s`, `15m`, `2h`, `3d`, `1w`, or nil.
    public static func duration(_ text: String) -> Int64? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1000
        case "m": scale = 60_000
        case "h": scale = 3_600_000
        case "d": scale = 86_400_000
        case "w": scale = 7 * 86_400_000
        default: return nil
        }
        let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    /// The shortest exact form of a duration: `90s`, `15m`, `2h`, `3d`.
    public static func format(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds % 86_400 == 0 && seconds > 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 && seconds > 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
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
