import Testing
import TychoScreen

/// Key sequences a terminal sends that its terminfo entry does not list (TERM=xterm-256color
/// inside tmux, screen, a Linux console reached over SSH): each is one key or nothing, never
/// a string of keystrokes.
@Suite struct HostileKeySequenceTests {
    /// Decodes what follows an ESC; `rest` is what stays unread.
    private func decode(_ following: String) -> (decoded: EscapeSequence.Decoded, rest: String) {
        var scalars = Array(following.unicodeScalars)[...]
        let decoded = EscapeSequence.decode { _ in scalars.popFirst() }
        return (decoded, String(String.UnicodeScalarView(scalars)))
    }

    @Test(arguments: [
        ("[1~", Key.home), ("[7~", .home), ("[H", .home), ("OH", .home),
        ("[4~", .end), ("[8~", .end), ("[F", .end), ("OF", .end),
        ("[5~", .pageUp), ("[6~", .pageDown),
        ("[A", .up), ("[B", .down), ("[C", .right), ("[D", .left),
        ("OA", .up), ("OB", .down), ("OC", .right), ("OD", .left),
        ("[1;5A", .up), ("[5;3~", .pageUp), ("[Z", .backTab), ("OM", .enter),
        ("[3~", .delete), ("OP", .function(1)), ("[11~", .function(1)), ("[[A", .function(1)), ("[15~", .function(5)), ("[24~", .function(12)),
    ])
    func aSequenceNamingAKeyIsThatKey(sequence: String, key: Key) {
        let (decoded, rest) = decode(sequence + "j")
        #expect(decoded == EscapeSequence.Decoded(key: key))
        #expect(rest == "j")
    }

    @Test(arguments: ["[2~", "[99~", "[I", "[O", "[201~", "[?1;2c", "OX", "[<0;10;5M", "[[Z"])
    func aSequenceNamingNoKeyIsDroppedWhole(sequence: String) {
        let (decoded, rest) = decode(sequence + "q")
        #expect(decoded == EscapeSequence.Decoded(key: nil))
        #expect(rest == "q")
    }

    @Test func aLoneEscapeIsEscape() {
        #expect(decode("").decoded == EscapeSequence.Decoded(key: .escape))
    }

    @Test(arguments: ["j", "q", "/", "1", "~", "b", "O", "\u{7F}"])
    func escapeAndAPrintableCharacterIsAlt(following: String) {
        let (decoded, rest) = decode(following)
        #expect(decoded == EscapeSequence.Decoded(key: .alt(Character(following))))
        #expect(rest == "")
    }

    @Test(arguments: ["\u{1B}", "\u{01}", "\r"])
    func escapeAndAControlCharacterIsBothKeys(following: String) {
        let (decoded, rest) = decode(following)
        #expect(decoded == EscapeSequence.Decoded(key: .escape, pushedBack: following.unicodeScalars.first))
        #expect(rest == "")
    }

    @Test func pastedTextIsOneInputUpToItsEndMark() {
        let (decoded, rest) = decode("[200~status:fail\nq\u{1B}[A\u{1B}[201~j")
        #expect(decoded == EscapeSequence.Decoded(key: .paste("status:fail\nq\u{1B}[A")))
        #expect(rest == "j")
        // Cut off (the end mark never came): what came is the paste.
        #expect(decode("[200~abc").decoded == EscapeSequence.Decoded(key: .paste("abc")))
    }

    @Test func aHugePasteIsCutAndTheRestDropped() {
        let (decoded, rest) = decode("[200~" + String(repeating: "x", count: 10_000) + "\u{1B}[201~q")
        guard case .paste(let text) = decoded.key else {
            Issue.record("not a paste: \(decoded)")
            return
        }
        #expect(text.count == EscapeSequence.maximumPaste)
        #expect(rest == "q")
    }

    @Test func aSequenceCutOffByAnotherEscapeGivesTheNextOneItsTurn() {
        let (decoded, rest) = decode("[1\u{1B}[A")
        #expect(decoded == EscapeSequence.Decoded(key: nil, pushedBack: "\u{1B}"))
        #expect(rest == "[A")
    }

    @Test func anEndlessSequenceIsNotSwallowedWhole() {
        let (decoded, rest) = decode("[" + String(repeating: "1", count: 100))
        #expect(decoded.key == nil)
        #expect(rest.count == 100 - EscapeSequence.maximumLength)
    }
}
