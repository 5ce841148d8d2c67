import Foundation
import XCTest

/// The browser following its data files while something else changes them: appends are read
/// on, anything else is read again, and what arrived is marked new either way. (The panes are
/// wide: a long temporary path on the status line leaves no room for its counts.)
final class FollowingFilesTests: TmuxTestCase {
    /// Event lines, one per `(id, minute, description)`, each ending in a newline.
    static func lines(_ events: [(id: String, minute: Int, description: String)]) -> [UInt8] {
        Array(events.map { event in
            #"{"id": "\#(event.id)", "start_time": "2026-12-01T10:\#(String(format: "%02d", event.minute)):00Z", "#
                + #""description": "\#(event.description)", "tags": {"source": ["test"]}}"# + "\n"
        }.joined().utf8)
    }

    /// Rewrites `path` in place, as `cat > path` does (the same inode, truncated and written).
    static func rewriteInPlace(_ path: String, _ bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_TRUNC)
        guard descriptor >= 0 else { throw EndToEndFailure(description: "cannot open \(path)") }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw EndToEndFailure(description: "short write to \(path)") }
    }

    func testFileRewrittenInPlaceLargerIsReadAgainWithoutABogusBadLine() throws {
        let directory = try temporaryDirectory("follow-rewrite")
        try directory.write("a.jsonl", Self.lines((0..<3).map { ("old-\($0)", $0, "old work \($0)") }))
        let session = try startTycho(["--data", directory.path], width: 160, height: 24)
        try session.waitFor("3 of 3 events")
        // Longer lines than before, so the old end of the file falls in the middle of one.
        try Self.rewriteInPlace(directory.path + "/a.jsonl",
                                Self.lines((0..<5).map { ("rewritten-\($0)", 10 + $0, "rewritten work \($0)") }))
        let screen = try session.waitUntil("the rewritten file is shown") {
            $0.contains("5 of 5 events") && $0.contains("rewritten work 4") && $0.contains("rewritten work 0")
        }
        XCTAssertFalse(screen.contains("old work"), framed(screen))
        XCTAssertFalse(screen.contains("bad line"), framed(screen))
        try session.sendKeys("q")
    }

    func testEventsOfANewFileBetweenOldOnesAreMarkedNew() throws {
        // A new day's file sorts between files already read (and a subfolder): read it all again.
        let directory = try temporaryDirectory("follow-new-file")
        try directory.write("events-2026-12-03.jsonl", Self.lines([("dec3-0", 0, "december 3 work")]))
        try directory.write("events-2026-12-05.jsonl", Self.lines([("dec5-0", 1, "december 5 work")]))
        try directory.write("upstream/events.jsonl", Self.lines([("up-0", 2, "upstream work")]))
        let session = try startTycho(["--data", directory.path], width: 160, height: 24)
        try session.waitFor("3 of 3 events")
        try directory.write("events-2026-12-04.jsonl", Self.lines([("dec4-0", 30, "december 4 hotfix"), ("dec4-1", 31, "december 4 rollback")]))
        let screen = try BrowserScreen(try session.waitUntil("the new file's events are marked new") {
            $0.contains("5 of 5 events") && $0.contains("2 new (rows marked +)")
        })
        let marked = screen.listRows.filter { $0.hasPrefix("+") }
        XCTAssertEqual(marked.count, 2, framed(screen.rows.joined(separator: "\n")))
        XCTAssertTrue(marked.allSatisfy { $0.contains("december 4") }, framed(screen.rows.joined(separator: "\n")))
        try session.sendKeys("q")
    }
}
