/// Untrusted text made safe to show (on a screen, in a message, in a table): every control character, escape sequence introducer,
/// bidirectional override and invisible format character is replaced by a visible escape
/// (`\x1B`, `\n`, `\u202E`), so event data can never drive the terminal or hide text.
public enum SafeText {
    public static func visible(_ text: String) -> String {
        // Fast path: printable ASCII needs no work.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let escape = escape(scalar) {
                out.append(contentsOf: escape.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The visible form of an unsafe scalar, or nil when it is safe to draw as it is.
    static func escape(_ scalar: Unicode.Scalar) -> String? {
        let value = scalar.value
        switch value {
        case 0x0A: return "\\n"
        case 0x09: return "\\t"
        case 0x0D: return "\\r"
        case 0..<0x20, 0x7F..<0xA0: return "\\x" + hex(value, digits: 2)
        case 0x061C, 0x200B...0x200C, 0x200E...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF, 0xFFF9...0xFFFB,
             0xE0000...0xE007F:
            // Bidi controls, zero-width spaces and other invisible format characters.
            return "\\u" + hex(value, digits: 4)
        default:
            return nil
        }
    }

    /// Text for the clipboard. Pasted into a shell, a raw newline runs a command and an escape
    /// sequence can end bracketed paste, so event data carries neither: a one-line value (an
    /// id, a view, an event's JSON) is made visible whole, a newline included (`\n`); text of
    /// several lines keeps its line breaks, which must be the copy's own (Markdown rows), and
    /// makes each line visible. No other control character arrives raw.
    public static func clipboard(_ text: String, isMultiline: Bool = false) -> String {
        guard isMultiline else { return visible(text) }
        // By scalars, not characters: "\r\n" is one Character, and its "\r" must show as well.
        return text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { visible(String(String.UnicodeScalarView($0))) }.joined(separator: "\n")
    }

    /// `'text'` with the same escapes: how messages quote ids and values from the data.
    public static func quoted(_ text: String) -> String { "'" + visible(text) + "'" }

    public static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
