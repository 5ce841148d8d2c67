import Foundation
import TychoModel
import TychoScreen
import XCTest

/// What the copy keys (y, Y, c, M) put on the clipboard, and what they refuse.
final class ClipboardTests: XCTestCase {
    /// Runs keys in a session and returns what reached the clipboard and the last status line.
    func session(_ store: EventStore, _ keys: String, filter: String = "") -> (clipboard: [String], status: String) {
        var state = makeState(store, width: 120, height: 30)
        state.startWith(filter: filter)
        let terminal = ScriptedTerminal(width: 120, height: 30, inputs: ScriptedTerminal.typing(keys))
        Browser.run(&state, on: terminal, updates: { nil })
        return (terminal.clipboard, terminal.lastFrame.map { rows($0)[29] } ?? "")
    }

    func testCopiesBeyondTheLimitAreRefusedAndSayWhatToDoInstead() throws {
        // Y on a 100 MB description sent 133 MB of base64, twice, and froze the screen a minute.
        let huge = String(repeating: "x", count: 3_000_000)
        let store = try makeStore([
            line("big-one", start: "2026-12-01T11:00:00Z", description: huge, tags: ["source": "ci"]),
            // 100,000 bytes (AppState.clipboardLimit) of description and id, more with the rest of the JSON.
            line("edge", start: "2026-12-01T10:00:00Z", description: String(repeating: "e", count: 100_000 - 50),
                 tags: ["source": "ci", "team": String(repeating: "t", count: 100)]),
            line("small", start: "2026-12-01T09:00:00Z", description: "fine", tags: ["source": "ci"]),
        ])
        var copied = session(store, "Y")
        XCTAssertEqual(copied.clipboard, [], "nothing is sent")
        XCTAssertTrue(copied.status.hasPrefix(" too large to copy (3.0 MB): use tycho get big-one"), copied.status)
        // The description fits, the whole JSON does not: refused all the same.
        copied = session(store, "jY")
        XCTAssertEqual(copied.clipboard, [])
        XCTAssertTrue(copied.status.hasPrefix(" too large to copy (100 kB): use tycho get edge"), copied.status)
        copied = session(store, "jjY")
        XCTAssertEqual(copied.clipboard.count, 1)
        XCTAssertTrue(copied.clipboard[0].hasPrefix(#"{"id": "small""#))
        XCTAssertTrue(copied.status.hasPrefix(" sent event JSON to the clipboard (OSC 52)"), copied.status)
        // A Markdown row sums its event up: a huge description is cut, so the timeline copies.
        copied = session(store, "mjjmM")
        XCTAssertEqual(copied.clipboard.count, 1)
        let rowsCopied = copied.clipboard[0].split(separator: "\n")
        XCTAssertEqual(rowsCopied.count, 4)
        XCTAssertTrue(rowsCopied[3].hasSuffix(" | " + String(repeating: "x", count: 300) + "… |"), String(rowsCopied[3].suffix(40)))
        XCTAssertLessThan(copied.clipboard[0].utf8.count, 1000)
    }

    func testTheViewWithoutAFilterCopiesNothingAndSaysSo() throws {
        // An empty OSC 52 payload clears the clipboard in some terminals; it used to say "sent view".
        let store = try makeStore(releaseLines())
        var copied = session(store, "c")
        XCTAssertEqual(copied.clipboard, [])
        XCTAssertTrue(copied.status.hasPrefix(" nothing to copy: no filter, this view is every event (/ sets a filter)"), copied.status)
        copied = session(store, "c", filter: "source:chef")
        XCTAssertEqual(copied.clipboard, ["source:chef"])
        XCTAssertTrue(copied.status.hasPrefix(" sent view to the clipboard (OSC 52)"), copied.status)
    }

    func testOneLineValuesArriveOnOneLineAndNoCopyCarriesRawControls() throws {
        // y copied an id with a raw newline: pasted into a shell, it ran the command early.
        let evil = #"evil\nrm -rf ~\r\u001b[201~\u0085x\u2028y\ttab"#
        let store = try makeStore([
            #"{"id": "\#(evil)", "start_time": "2026-12-01T10:00:00Z", "description": "two\nlines\r\nand \u001b[31m", "tags": {"source": ["ops\nx"]}}"#,
            line("plain", start: "2026-12-01T09:00:00Z", description: "fine", tags: ["source": "ci"]),
        ])
        let shownID = #"evil\nrm -rf ~\r\x1B[201~\x85x\u2028y\ttab"#
        // The filter (a phrase with controls of its own) matches the evil id.
        let copied = session(store, "yYmMc", filter: "\"rf ~\r\u{1B}[201\"")
        XCTAssertEqual(copied.clipboard.count, 4, copied.status)
        guard copied.clipboard.count == 4 else { return }
        XCTAssertEqual(copied.clipboard[0], shownID, "y: the id on one line, its controls visible")
        XCTAssertTrue(copied.clipboard[1].hasPrefix(#"{"id": "evil\nrm -rf ~\r\u001b[201~\u0085x\u2028y\ttab""#), copied.clipboard[1])
        let markdown = copied.clipboard[2].split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(markdown.count, 4, "a header, a rule, the event's row and the last newline: \(markdown)")
        XCTAssertTrue(markdown[2].contains(shownID) && markdown[2].contains(#"| ops x |  | two lines  and \x1B[31m |"#), String(markdown[2]))
        XCTAssertEqual(copied.clipboard[3], #""rf ~\r\x1B[201""#, "c: the view on one line")
        for (k, text) in copied.clipboard.enumerated() {
            let raw = text.unicodeScalars.filter { SafeText.visible(String($0)) != String($0) && !(k == 2 && $0 == "\n") }
            XCTAssertTrue(raw.isEmpty, "raw controls in copy \(k): \(raw.map { $0.value })")
            if k != 2 { XCTAssertFalse(text.contains("\n"), "copy \(k) is one line") }
        }
    }
}
