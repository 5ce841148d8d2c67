import Foundation
import XCTest

/// Incident mode in the real binary: an anchor from the command line, a facet, and a copy
/// that reaches the terminal as OSC 52.
final class IncidentModeTests: TmuxTestCase {
    func testAtShowsTheMarkerAndTheEventsBeforeItThenAFacetNarrowsAndYCopies() throws {
        let directory = try temporaryDirectory("incident")
        let output = directory.path + "/pane-output.bin"
        let session = try startTycho(["--data", TychoBinary.exampleData, "--at", "2026-12-02T15:00Z"], width: 120, height: 35, isGated: true)
        try session.recordOutput(to: output)
        try session.release()
        var text = try session.waitUntil("the anchored view") { $0.contains("alert (2026-12-02 15:00 UTC)") && $0.contains("8 of 1,165 events") }
        // The marker row sits between the events after the anchor and those before it.
        let rows = text.split(separator: "\n").map(String.init)
        let marker = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("── 15:00") }, text)
        XCTAssertTrue(rows[marker + 1].hasPrefix("▶") && rows[marker + 1].contains("-29s●"), "the newest event before the alert is selected:\n\(text)")
        XCTAssertTrue(rows[marker - 1].contains("+6m11s"), rows[marker - 1])

        // Facets: choose environment:canary.
        try session.sendKeys("F")
        try session.waitFor("Facets of the 8 filtered events")
        try session.sendKeys("j", "j", "Enter")
        text = try session.waitFor("2 of 1,165 events")
        XCTAssertTrue(text.contains("filter: at:2026-12-02T15:00Z environment:canary"), text)

        // y copies the selected id through OSC 52, and (inside tmux, whose default drops an
        // application's OSC 52) into tmux's buffer, from where tmux passes it on.
        try session.sendKeys("y")
        try session.waitFor("sent id to the clipboard (tmux's buffer and OSC 52)")
        XCTAssertEqual(try session.run(["show-buffer"]), "deploy-search-canary-1083")
        try session.stopRecording()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
        let recorded = String(decoding: bytes, as: UTF8.self)
        let id = "deploy-search-canary-1083"
        let encoded = Data(id.utf8).base64EncodedString()
        XCTAssertTrue(recorded.contains("\u{1B}]52;c;\(encoded)\u{07}"), "no OSC 52 with the id in the output stream")
    }
}
