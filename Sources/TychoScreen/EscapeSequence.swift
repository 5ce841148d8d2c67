/// Reads the key sequences ncurses hands over undecoded. ncurses only knows the sequences the
/// terminfo entry for `TERM` lists; when `TERM` does not match the terminal (xterm-256color
/// inside tmux sends Home as `ESC [ 1 ~`, the entry says `ESC O H`), it returns a lone ESC and
/// then the sequence's bytes one by one, and `[` would zoom the view, `~` be typed, and so on.
///
/// Called after ncurses returned ESC, with `next` giving the bytes already waiting (nil when
/// none is; `next(true)` waits a little, for the rest of a paste). Every CSI and SS3 sequence
/// is consumed whole: the ones that name a key become that key, the rest (Insert, focus
/// reports) are dropped. Text between the bracketed-paste marks (`ESC [ 200 ~` … `ESC [ 201 ~`)
/// is one `.paste`. ESC and a printable character is Alt and that character (the key map
/// reads it as Escape then the character outside the editors); ESC and anything else is
/// Escape, and what followed is handed back to be read as the next key.
public enum EscapeSequence {
    public struct Decoded: Equatable, Sendable {
        /// The key the sequence stands for; nil when it names none Tycho uses.
        public var key: Key?
        /// A character read past the sequence, to be read again as the next key.
        public var pushedBack: Unicode.Scalar?

        public init(key: Key?, pushedBack: Unicode.Scalar? = nil) {
            self.key = key
            self.pushedBack = pushedBack
        }
    }

    /// The longest sequence read before giving up on it: a terminal's replies are short, and a
    /// stream of garbage must not be swallowed whole.
    public static let maximumLength = 32

    /// The longest paste taken: a filter or a path is short, and a stray paste of a log file
    /// must not be typed for minutes. The rest, up to the end mark, is dropped.
    public static let maximumPaste = 4096

    public static func decode(next: (_ waitForMore: Bool) -> Unicode.Scalar?) -> Decoded {
        guard let introducer = next(false) else { return Decoded(key: .escape) }
        switch introducer {
        case "[": return controlSequence(next: { next(false) }, pasted: { next(true) })
        case "O":
            // SS3: one final character. A lone ESC O is Alt-O.
            guard let final = next(false) else { return Decoded(key: .alt("O")) }
            return Decoded(key: ss3Keys[final])
        case " "..."~", "\u{7F}": return Decoded(key: .alt(Character(introducer)))
        default: return Decoded(key: .escape, pushedBack: introducer)
        }
    }

    /// The pasted text, up to the end mark (or until no more comes).
    private static func paste(next: () -> Unicode.Scalar?) -> String {
        let endMark = Array("\u{1B}[201~".unicodeScalars)
        var text = String.UnicodeScalarView(), matched = 0, taken = 0
        while let scalar = next() {
            if scalar == endMark[matched] {
                matched += 1
                if matched == endMark.count { break }
                continue
            }
            // A partial end mark was text after all.
            for pending in endMark[..<matched] where taken < maximumPaste {
                text.append(pending)
                taken += 1
            }
            matched = scalar == endMark[0] ? 1 : 0
            if matched == 0 && taken < maximumPaste {
                text.append(scalar)
                taken += 1
            }
        }
        return String(text)
    }

    /// CSI: parameter bytes (0x30–0x3F), intermediate bytes (0x20–0x2F), one final byte
    /// (0x40–0x7E). Modifiers (`ESC [ 1 ; 5 A`, Ctrl-Up) are ignored: the key is what counts.
    /// `ESC [ 200 ~` starts a paste, read on with `pasted`.
    private static func controlSequence(next: () -> Unicode.Scalar?, pasted: () -> Unicode.Scalar?) -> Decoded {
        var parameters = ""
        for _ in 0..<maximumLength {
            guard let scalar = next() else { return Decoded(key: nil) }
            switch scalar.value {
            case 0x20...0x3F: parameters.unicodeScalars.append(scalar)
            case 0x40...0x7E:
                if scalar == "[" && parameters.isEmpty {
                    // The Linux console's F1–F5: ESC [ [ A … E.
                    guard let final = next() else { return Decoded(key: nil) }
                    return Decoded(key: final.value >= 0x41 && final.value <= 0x45 ? .function(Int(final.value) - 0x40) : nil)
                }
                if scalar == "~" {
                    if parameters == "200" { return Decoded(key: .paste(paste(next: pasted))) }
                    let first = parameters.split(separator: ";").first.map(String.init) ?? ""
                    return Decoded(key: tildeKeys[first])
                }
                return Decoded(key: csiKeys[scalar])
            default:
                // Not a sequence after all (a control byte, or ESC starting the next one):
                // drop what was read and read this again.
                return Decoded(key: nil, pushedBack: scalar)
            }
        }
        return Decoded(key: nil)
    }

    private static let csiKeys: [Unicode.Scalar: Key] = [
        "A": .up, "B": .down, "C": .right, "D": .left, "H": .home, "F": .end, "Z": .backTab,
    ]
    private static let ss3Keys: [Unicode.Scalar: Key] = [
        "A": .up, "B": .down, "C": .right, "D": .left, "H": .home, "F": .end, "M": .enter,
        "P": .function(1), "Q": .function(2), "R": .function(3), "S": .function(4),
    ]
    /// `ESC [ n ~` as xterm, tmux, screen, rxvt and the Linux console send them.
    private static let tildeKeys: [String: Key] = [
        "1": .home, "7": .home, "4": .end, "8": .end, "5": .pageUp, "6": .pageDown, "3": .delete,
        "11": .function(1), "12": .function(2), "13": .function(3), "14": .function(4), "15": .function(5),
        "17": .function(6), "18": .function(7), "19": .function(8), "20": .function(9), "21": .function(10),
        "23": .function(11), "24": .function(12),
    ]
}
