import Foundation
import XCTest

/// Event data written to attack or confuse the terminal: it must be shown escaped, never sent
/// to the terminal, and wide characters must never shift a column.
final class HostileDataTests: TmuxTestCase {
    /// Writes events (as JSON objects, one per line) into a new data directory.
    func writeData(_ events: [[String: Any]], label: String) throws -> String {
        let directory = try temporaryDirectory(label)
        var bytes: [UInt8] = []
        for event in events {
            bytes += try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
            bytes.append(0x0A)
        }
        try directory.write("events.jsonl", bytes)
        return directory.path
    }

    static let escape = "\u{1B}", bell = "\u{07}"

    /// Three events: a root with a child, and a standalone one; every field a producer controls
    /// carries a control sequence, each behind a marker word so it can be found in the output.
    static var injectionEvents: [[String: Any]] { [
        [
            "id": "inj-root\(escape)[31mRED", "start_time": "2026-01-01T10:00:00Z",
            "description": "CLR\(escape)[2J screen cleared",
            "detail_urls": ["link": "LINK\(escape)]8;;http://evil.example/\(bell)click\(escape)]8;;\(bell)"],
            "tags": ["source": ["evil"], "host": ["OSC52\(escape)]52;c;aGVsbG8=\(bell)"]],
        ],
        [
            "id": "inj-child", "parent_id": "inj-root\(escape)[31mRED", "start_time": "2026-01-01T10:01:00Z",
            "description": "BEL\(bell) BS\u{08} CR\r RLO\u{202E}desrever OSC8\(escape)]8;;http://evil.example/\(escape)\\here",
            "tags": ["source": ["evil"], "k\(escape)[1mey": ["v\(bell)alue"]],
        ],
        [
            "id": "inj-osc52", "start_time": "2026-01-01T10:02:00Z",
            "description": "COPY\(escape)]52;c;aGVsbG8=\(bell) clipboard",
            "tags": ["source": ["evil\u{202E}live"]],
        ],
    ] }

    func testControlSequencesInDataAreShownEscapedAndNeverSent() throws {
        let data = try writeData(Self.injectionEvents, label: "injection")
        let output = try temporaryDirectory("injection-output").path + "/output.bin"
        let session = try startTycho(["--data", data], isGated: true)
        try session.run(["set-option", "-s", "set-clipboard", "on"])
        try session.recordOutput(to: output)
        try session.release()

        // The list and the tree of the newest event.
        var screen = try session.waitFor("3 of 3 events")
        XCTAssertTrue(screen.contains(#"COPY\x1B]52;c;aGVsbG8=\x07 clipboard"#), framed(screen))
        XCTAssertTrue(screen.contains(#"BEL\x07 BS\x08 CR\r RLO\u202Edesrever"#), framed(screen))
        XCTAssertTrue(screen.contains(#"CLR\x1B[2J screen cleared"#), framed(screen))
        XCTAssertTrue(screen.contains(#"evil\u202Elive"#), framed(screen))

        // Every field of each event in the detail view.
        try session.sendKeys("Enter")
        screen = try session.waitFor(" id           inj-osc52")
        XCTAssertTrue(screen.contains(#"   COPY\x1B]52;c;aGVsbG8=\x07 clipboard"#), framed(screen))
        try session.sendKeys("Escape", "j")
        screen = try session.waitFor(#"tree of inj-root\x1B[31mRED"#)
        try session.sendKeys("Enter")
        screen = try session.waitFor(" id           inj-child")
        XCTAssertTrue(screen.contains(#" parent_id    inj-root\x1B[31mRED"#), framed(screen))
        XCTAssertTrue(screen.contains(#"BEL\x07 BS\x08 CR\r RLO\u202Edesrever OSC8\x1B]8;;http://evil.example/\x1B\here"#), framed(screen))
        // The tag's value lines up with the others although its name is shown longer than it is.
        XCTAssertTrue(screen.contains(#"   k\x1B[1mey   v\x07alue"#), framed(screen))
        XCTAssertTrue(screen.contains("   source       evil"), framed(screen))
        try session.sendKeys("Escape", "j", "Enter")
        screen = try session.waitFor(#" id           inj-root\x1B[31mRED"#)
        XCTAssertTrue(screen.contains(#"   link         LINK\x1B]8;;http://evil.example/\x07click\x1B]8;;\x07"#), framed(screen))
        XCTAssertTrue(screen.contains(#"   host         OSC52\x1B]52;c;aGVsbG8=\x07"#), framed(screen))
        // The tree pane with both the root and its child.
        try session.sendKeys("Escape")
        screen = try session.waitForAbsence(of: " id ")
        let tree = try BrowserScreen(screen).treeLabels
        XCTAssertEqual(tree.count, 2, tree.joined(separator: "\n"))
        XCTAssertTrue(tree[0].contains(#"CLR\x1B[2J"#) && tree[1].contains(#"RLO\u202E"#), tree.joined(separator: "\n"))
        try session.type("q")
        try assertTerminalRestored(session, status: 0)
        try session.stopRecording()

        let bytes = try waitForFile(output) { $0.containsBytes(Array("EXITED".utf8)) }
        XCTAssertGreaterThan(bytes.count, 1000, "the recording is too short to mean anything")
        // The escaped forms (`\x1B]52;` as text) are on screen; the sequences themselves must not be.
        let forbidden: [(String, [UInt8])] = [
            ("OSC 52", Array("\u{1B}]52;".utf8)),
            ("OSC 8", Array("\u{1B}]8;".utf8)),
            ("any OSC", Array("\u{1B}]".utf8)),
            ("BEL", [0x07]),
            ("U+202E", [0xE2, 0x80, 0xAE]),
            ("ESC [2J from the data", Array("CLR\u{1B}[2J".utf8)),
            ("ESC [31m from the data", Array("root\u{1B}[31m".utf8)),
            ("ESC [1m from the data", Array("k\u{1B}[1m".utf8)),
            ("backspace from the data", Array("BS\u{08}".utf8)),
            ("carriage return from the data", Array("CR\r".utf8)),
        ]
        for (name, sequence) in forbidden {
            XCTAssertFalse(bytes.containsBytes(sequence), "\(name) reached the terminal")
        }
        // Nothing reached the clipboard.
        XCTAssertEqual(try session.run(["list-buffers"]), "")
    }

    func testQueryOutputStaysValidJSONWithControlCharacters() throws {
        let data = try writeData(Self.injectionEvents, label: "injection-json")
        let result = try ProcessRunner.run(try TychoBinary.path(), ["get", "inj-child", "--data", data])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertFalse(result.standardOutput.contains("\u{1B}") || result.standardOutput.contains(Self.bell),
                       "raw control characters in the JSON output")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        XCTAssertEqual(object?["description"] as? String, Self.injectionEvents[1]["description"] as? String)
        XCTAssertEqual(object?["parent_id"] as? String, Self.injectionEvents[0]["id"] as? String)
    }

    /// Wide text in the SOURCE and SERVICE/ENV columns and in descriptions; every description
    /// starts with `DESC`, which must sit in the DESCRIPTION column on every row.
    static var wideEvents: [[String: Any]] { [
        ["id": "wide-1", "start_time": "2026-02-01T10:05:00Z", "description": "DESC 日本語の説明 😀 end",
         "tags": ["source": ["ソース"], "service": ["日本語サービス"], "environment": ["本番"]]],
        ["id": "wide-2", "start_time": "2026-02-01T10:04:00Z", "description": "DESC flag 🇯🇵 zwj 👩‍💻 after",
         "tags": ["source": ["emoji😀x"], "service": ["非常に長いサービス名前です本当に長い"], "status": ["fail"]]],
        ["id": "wide-3", "start_time": "2026-02-01T10:03:00Z", "description": "DESC plain ascii row",
         "tags": ["source": ["ascii"], "service": ["svc"], "environment": ["prod"]]],
        ["id": "wide-4", "parent_id": "wide-1", "start_time": "2026-02-01T10:02:00Z", "description": "DESC Cafe\u{301} 한국어 combining",
         "tags": ["source": ["한국어소스이름"], "service": ["x"]]],
        ["id": "wide-5", "parent_id": "wide-1", "start_time": "2026-02-01T10:01:00Z",
         "description": "DESC " + String(repeating: "漢字", count: 40) + " tail",
         "tags": ["source": ["a"], "service": ["ｆｕｌｌｗｉｄｔｈ"]]],
        ["id": "wide-6", "start_time": "2026-02-01T10:00:00Z", "description": "DESC last row",
         "tags": ["source": ["z"]]],
    ] }

    func testWideCharactersNeverShiftColumns() throws {
        let data = try writeData(Self.wideEvents, label: "wide")
        let session = try startTycho(["--data", data])
        var text = try session.waitFor("6 of 6 events")
        try assertAligned(text, width: 120)
        // The tree of wide-1 shows its children with wide labels; nothing spills past the edge.
        let tree = try BrowserScreen(text).treeLabels
        XCTAssertEqual(tree.count, 3, tree.joined(separator: "\n"))
        try session.resize(width: 80, height: 24)
        text = try session.waitUntil("the screen is redrawn at 80 columns") { isComplete($0, width: 80, height: 24) }
        try assertAligned(text, width: 80)
        // Scrolling over the wide rows (the selection bar redraws them) changes nothing.
        try session.sendKeys("j", "j", "j", "j", "j")
        text = try session.waitUntil("the last row is selected") { (try? BrowserScreen($0).selectedRow?.contains("DESC last row")) == true }
        try assertAligned(text, width: 80)
    }

    func assertAligned(_ text: String, width: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let screen = try BrowserScreen(text)
        XCTAssertEqual(screen.listRows.count, 6, framed(text), file: file, line: line)
        guard let descriptionColumn = screen.header.range(of: "DESCRIPTION").map({ screen.header.distance(from: screen.header.startIndex, to: $0.lowerBound) }) else {
            return XCTFail("no DESCRIPTION header:\n\(framed(text))", file: file, line: line)
        }
        for row in screen.listRows {
            guard let marker = row.range(of: "DESC ") else {
                XCTFail("no description in row \(quoted(row))", file: file, line: line)
                continue
            }
            XCTAssertEqual(cellWidth(String(row[..<marker.lowerBound])), descriptionColumn, "the description is shifted in \(quoted(row))\n\(framed(text))", file: file, line: line)
            let time = row.dropFirst()
            XCTAssertTrue(time.hasPrefix("02-01 ") || time.hasPrefix("2026-02-01 "), "the time column is shifted in \(quoted(row))", file: file, line: line)
        }
        for row in screen.rows {
            XCTAssertLessThanOrEqual(cellWidth(row), width, "a row is wider than the screen: \(quoted(row))", file: file, line: line)
        }
        XCTAssertEqual(cellWidth(screen.treeTitle), width, screen.treeTitle, file: file, line: line)
        XCTAssertTrue(screen.status.hasSuffix("q quit"), screen.status, file: file, line: line)
        // The over-long description is cut with an ellipsis at the right edge.
        let long = screen.listRows.first { $0.contains("漢字漢字") } ?? ""
        XCTAssertTrue(long.hasSuffix("…"), long, file: file, line: line)
        XCTAssertGreaterThanOrEqual(cellWidth(long), width - 2, long, file: file, line: line)
    }
}
