import Foundation
import Testing
import TychoModel

/// Terminal control sequences in every string field of the data: what the query commands print
/// (`EventJSON`) stays valid JSON that decodes to exactly the original strings, and carries none
/// of the control characters raw, so printing it cannot drive or fool a terminal.
@Suite struct InjectionOutputTests {
    static let escape = "\u{1B}"
    static let bell = "\u{07}"

    /// Each kind of injection, named.
    static let payloads: [(name: String, text: String)] = [
        ("ESC", "a\(escape)b"),
        ("CSI clear screen", "\(escape)[2J\(escape)[H"),
        ("CSI colour", "\(escape)[31mred\(escape)[0m"),
        ("C1 CSI", "\u{9B}31m"),
        ("OSC 52 clipboard (BEL)", "\(escape)]52;c;cm0gLXJmIH4=\(bell)"),
        ("OSC 52 clipboard (ST)", "\(escape)]52;c;cm0gLXJmIH4=\(escape)\\"),
        ("OSC 8 link", "\(escape)]8;;http://evil.example/\(escape)\\click\(escape)]8;;\(escape)\\"),
        ("OSC title", "\(escape)]0;owned\(bell)"),
        ("BEL", "ding\(bell)"),
        ("backspace", "safe\u{08}\u{08}\u{08}\u{08}evil"),
        ("carriage return", "ok\rFAILED"),
        ("line feed, tab, form feed", "a\nb\tc\u{0C}d"),
        ("NUL and DEL", "a\u{0}b\u{7F}c"),
        ("bidi override", "user\u{202E}gnp.exe"),
        ("bidi isolates", "\u{2066}a\u{2067}b\u{2068}c\u{2069}"),
        ("bidi marks", "\u{200E}\u{200F}\u{061C}"),
        ("zero width and BOM", "a\u{200B}b\u{2060}c\u{FEFF}d"),
        ("line separators", "a\u{2028}b\u{2029}c"),
        ("tag characters", "flag\u{E0067}\u{E0062}\u{E007F}"),
        ("emoji and combining stay as they are", "👩‍💻 🇯🇵 e\u{301} 日本"),
    ]

    /// An event carrying `text` in every string field.
    static func event(_ text: String, id: String) -> String {
        let s = jsonString(text)
        return "{\"id\": \(jsonString(id)), \"parent_id\": \(s), \"source_id\": \(s), \"start_time\": \"2026-01-01T00:00:00Z\", "
            + "\"description\": \(s), \"detail_urls\": {\(s): \(s)}, \"tags\": {\(s): [\(s)], \"k\": \(s)}}"
    }

    /// The characters that must not appear raw in output meant for a terminal.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F..<0xA0, 0x061C, 0x200B...0x200C, 0x200E...0x200F, 0x2028...0x202E, 0x2060...0x206F,
             0xFEFF, 0xFFF9...0xFFFB, 0xE0000...0xE007F:
            return true
        default:
            return false
        }
    }

    static let store: EventStore = {
        var text = "{\"id\": \"root\", \"start_time\": \"2026-01-01T00:00:00Z\"}\n"
        for (k, payload) in payloads.enumerated() {
            text += event(payload.text, id: "e\(k)\(payload.text)") + "\n"
        }
        // A child whose parent id is an injection, so the tree output carries it too.
        text += "{\"id\": \"\(escape.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined())[2J\", \"parent_id\": \"root\", \"start_time\": \"2026-01-01T00:00:01Z\"}\n"
        return try! loadFile(text)
    }()

    @Test(arguments: payloads.indices)
    func eventOutputIsValidJSONWithTheExactStringsAndNoRawControls(_ k: Int) throws {
        let payload = Self.payloads[k]
        let store = Self.store
        #expect(store.problemTexts == [])
        let record = try store.requiredRecord("e\(k)\(payload.text)")
        let printed = EventJSON.encode(store.event(record))
        let raw = printed.unicodeScalars.filter(Self.isUnsafe)
        #expect(raw.isEmpty, "\(payload.name): raw \(raw.map { "U+" + String($0.value, radix: 16) }) in \(printed)")
        let object = try #require(try parseJSON(printed) as? [String: Any])
        #expect(Array((object["id"] as? String ?? "").utf8) == Array("e\(k)\(payload.text)".utf8), "\(payload.name)")
        for field in ["parent_id", "source_id", "description"] {
            #expect(Array((object[field] as? String ?? "").utf8) == Array(payload.text.utf8), "\(payload.name): \(field)")
        }
        #expect(object["detail_urls"] as? [String: String] == [payload.text: payload.text], "\(payload.name)")
        #expect(object["tags"] as? [String: [String]] == [payload.text: [payload.text], "k": [payload.text]], "\(payload.name)")
    }

    @Test func listAndTreeOutputsAreValidJSONWithNoRawControls() throws {
        let store = Self.store
        let events = (0..<store.count).map { store.event(store.record(atRank: $0)) }
        let list = EventJSON.encodeList(events)
        #expect(list.unicodeScalars.allSatisfy { !Self.isUnsafe($0) })
        let array = try #require(try parseJSON(list) as? [[String: Any]])
        #expect(array.count == Self.payloads.count + 2)
        let tree = EventJSON.encodeTree(store.tree(try store.requiredRecord("root")), store: store)
        #expect(tree.unicodeScalars.allSatisfy { !Self.isUnsafe($0) })
        let object = try #require(try parseJSON(tree) as? [String: Any])
        let child = try #require((object["children"] as? [[String: Any]])?.first?["event"] as? [String: Any])
        #expect(child["id"] as? String == "\(Self.escape)[2J")
    }

    @Test func escapesUseJSONsShortFormsWhereThereAreSome() {
        var out = ""
        EventJSON.appendString("\u{1B}\u{07}\u{08}\r\n\t\u{0C}\"\\\u{202E}\u{E007F}", to: &out)
        #expect(out == #""\u001b\u0007\b\r\n\t\f\"\\\u202e\udb40\udc7f""#)
    }

    @Test func printedEventsReadBackUnchanged() throws {
        // What `tycho get` prints can be fed back as data (e.g. to `tycho put`) without change.
        let store = Self.store
        let printed = (0..<store.count).map { EventJSON.encode(store.event(store.record(atRank: $0))) + "\n" }.joined()
        let again = try loadFile(printed)
        #expect(again.problemTexts == [])
        #expect(again.count == store.count)
        for rank in 0..<store.count {
            let event = store.event(store.record(atRank: rank))
            let reread = try again.required(event.id)
            #expect(EventJSON.encode(reread) == EventJSON.encode(event))
        }
    }
}
