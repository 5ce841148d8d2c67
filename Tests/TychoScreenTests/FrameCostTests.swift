import Foundation
import TychoModel
import TychoScreen
import XCTest

/// A frame is drawn every second even when idle (the clock), so what one costs must not grow
/// with the data: a user's browser sat at half a core because every frame copied and scanned a
/// 100 MB description whole.
final class FrameCostTests: XCTestCase {
    /// Two events with huge descriptions (4 MB of plain ASCII, 256 kB with escapes and accents, which
    /// take the canvas's slow path) and a small event whose parent is the plain one.
    static func hugeStore() throws -> EventStore {
        let plain = String(repeating: "giant description line ", count: 4 << 20 / 23)
        let mixed = String(repeating: #"giant déscription\nline\u001b "#, count: 256 << 10 / 30)
        return try makeStore([
            #"{"id": "giant-plain", "start_time": "2026-12-01T10:00:00Z", "description": "\#(plain)", "tags": {"service": ["huge"]}}"#,
            #"{"id": "giant-mixed", "start_time": "2026-12-01T11:00:00Z", "description": "\#(mixed)", "tags": {"service": ["huge"]}}"#,
            line("small", parent: "giant-plain", start: "2026-12-01T10:30:00Z", description: "a small child", tags: ["service": "small"]),
        ])
    }

    func testFramesShowingHugeDescriptionsNeitherCopyNorScanThem() throws {
        let store = try Self.hugeStore()
        var state = makeState(store, width: 120, height: 30)
        // Both giants in the list, and the plain one in the tree of the selected row.
        state.apply(.move(1))
        _ = Screen.render(makeState(try makeStore(releaseLines())))  // tables built on first use
        let frame = assertBoundedFrame(state, "giants in the list and the tree")
        XCTAssertTrue(rows(frame).contains { $0.contains(#"giant déscription\nline\x1B giant"#) && $0.hasSuffix("…") })
        // Filtered out of the list, the plain giant is still the root of the selected event's tree.
        state.startWith(filter: "service:small")
        XCTAssertEqual(state.list.count, 1)
        let filtered = assertBoundedFrame(state, "a giant filtered out of the list, in the tree")
        XCTAssertTrue(rows(filtered).contains { $0.hasPrefix("▾ giant-plain  giant description line giant") && $0.contains("…") })
    }

    /// A frame takes almost no new memory (a 4 MB copy touches 1,024 pages) and little CPU time
    /// (scanning 4 MB a scalar at a time takes far longer than drawing 120×30 cells).
    func assertBoundedFrame(_ state: AppState, _ what: String, file: StaticString = #filePath, line: UInt = #line) -> Canvas {
        let before = Self.usage()
        let frame = Screen.render(state)
        let after = Self.usage()
        XCTAssertLessThan(after.pageFaults - before.pageFaults, 256, "\(what): pages touched by a frame", file: file, line: line)
        XCTAssertLessThan(after.cpuSeconds - before.cpuSeconds, 0.2, "\(what): CPU seconds for a frame", file: file, line: line)
        return frame
    }

    /// Page faults and CPU time of this thread so far.
    static func usage() -> (pageFaults: Int, cpuSeconds: Double) {
        var usage = rusage()
        getrusage(1, &usage)  // RUSAGE_THREAD, which Glibc's module does not import
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return (usage.ru_minflt, cpu)
    }

    func testTheCanvasLooksOnlyAtWhatFitsInTheRow() {
        // Megabytes of text drawn into 20 cells: the work is bounded by the cells, in both paths.
        let plain = String(repeating: "x", count: 8 << 20), mixed = String(repeating: "é\u{1B}", count: 128 << 10)
        var canvas = Canvas(width: 20, height: 2)
        let before = Self.usage()
        canvas.draw(plain, x: 0, y: 0)
        canvas.draw(mixed, x: 0, y: 1)
        let after = Self.usage()
        XCTAssertEqual(canvas.rowText(0), String(repeating: "x", count: 19) + "…")
        XCTAssertEqual(canvas.rowText(1), #"é\x1Bé\x1Bé\x1Bé\x1…"#)
        XCTAssertLessThan(after.pageFaults - before.pageFaults, 256)
        XCTAssertLessThan(after.cpuSeconds - before.cpuSeconds, 0.2)
        // A cut that fits the row still shows there was more.
        var marks = Canvas(width: 20, height: 1)
        marks.draw("ab" + String(repeating: "\u{301}", count: 4000), x: 0, y: 0)
        XCTAssertTrue(marks.rowText(0).contains("…"), marks.rowText(0))
    }
}
