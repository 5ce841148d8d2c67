import Foundation
import TychoModel
import TychoScreen
import XCTest

/// Incident mode: anchor time, window, offsets, failures, facets, copies, export.
final class IncidentTests: XCTestCase {
    private func anchored(_ view: String = "at:2026-12-01T10:20:00Z", width: Int = 100, height: Int = 24) throws -> AppState {
        var state = makeState(try makeStore(releaseLines()), width: width, height: height)
        state.startWith(filter: view)
        return state
    }

    func testAnchorShowsTheWindowAMarkerRowAndOffsets() throws {
        let state = try anchored()
        // The default window: 60 minutes before, 15 after; the flag at 11:00 is outside it.
        XCTAssertEqual(state.list.count, 5)
        let lines = rows(Screen.render(state))
        XCTAssertEqual(lines[2], " TIME (UTC)     OFFSET  STATUS  SOURCE     SERVICE/ENV    DESCRIPTION")
        XCTAssertEqual(lines[3], " 12-01 10:30:00 +10m    fail    spinnaker  svc-a/prod     Deploy svc-a to prod")
        XCTAssertTrue(lines[4].hasPrefix("── 10:20 UTC+00:00 alert (2026-12-01 10:20 UTC) ──"), lines[4])
        XCTAssertEqual(lines[5], "▶12-01 10:16:00 -4m     success chef       staging        chef run on staging-host-1")
        XCTAssertEqual(lines[6], " 12-01 10:15:00 -5m●    success spinnaker  svc-a/staging  Deploy svc-a to staging",
                       "the staging deploy ran 10:15–10:20: running at the anchor")
        XCTAssertEqual(state.store.id(state.selectedRecord!), "host-1", "starts on the newest event before the anchor")
    }

    func testTheRunningMarkIsNeverCutOff() throws {
        // The likeliest culprits: started minutes before the alert and still running at it.
        let store = try makeStore([
            line("close", start: "2026-12-01T11:22:39Z", end: "2026-12-01T11:25:06Z", description: "chef run"),
            line("long", start: "2026-11-20T09:00:00Z", end: "2026-12-02T00:00:00Z", description: "migration"),
        ])
        var state = makeState(store, width: 100, height: 16)
        state.startWith(filter: "at:2026-12-01T11:25:00Z window:12d")
        let lines = rows(Screen.render(state))
        XCTAssertTrue(lines.contains { $0.hasPrefix("▶12-01 11:22:39 -2m21s● ") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix(" 11-20 09:00:00 -11d● ") }, "-11d02h● does not fit in 7: the hours go, the mark stays")
    }

    func testAnchoringAgainReplacesTheOldAnchor() throws {
        var state = try anchored(#"at:2026-12-01T10:20:00Z window:10m+5m "k:v":"a b" since:2h"#)
        state.apply(.startAnchor)
        XCTAssertEqual(state.editor?.text, #"window:10m+5m "k:v":"a b" since:2h at:"#, "only the at: term goes, the rest as typed")
        state.type("2026-12-01T10:30Z")
        state.apply(.filterApply)
        XCTAssertEqual(state.filter.anchor, try Timestamp.parse("2026-12-01T10:30:00Z"))
        XCTAssertEqual(state.filterText.components(separatedBy: "at:").count, 2, state.filterText)
    }

    func testMarkingSaysWhatTheKeyDidAndTheStatusLineCountsOnce() throws {
        var state = makeState(try makeStore(releaseLines()), width: 160)
        state.apply(.toggleMark)
        let id = state.store.id(state.selectedRecord!)
        XCTAssertEqual(state.notice, "marked \(id) (M copies every mark as a Markdown timeline)")
        let status = rows(Screen.render(state)).last ?? ""
        XCTAssertEqual(status.components(separatedBy: "marked").count, 3, "the notice and one count: \(status)")
        XCTAssertTrue(status.contains("1 marked (M copies)"), status)
        state.apply(.toggleMark)
        XCTAssertEqual(state.notice, "unmarked \(id)")
    }

    func testOnANarrowScreenTheOffsetIsTheLastColumnToGo() throws {
        let lines = rows(Screen.render(try anchored(width: 52)))
        XCTAssertTrue(lines[2].contains("OFFSET"), lines[2])
        XCTAssertTrue(lines.contains { $0.contains("-5m●") }, lines.joined(separator: "\n"))
        XCTAssertFalse(lines[2].contains("SOURCE"), "source gives way first: \(lines[2])")
    }

    func testAnEmptyWindowSaysWhichTimesWereSearched() throws {
        let state = try anchored("at:2026-12-02T03:00:00Z", width: 160)
        XCTAssertEqual(state.list.count, 0)
        let lines = rows(Screen.render(state))
        XCTAssertTrue(lines.contains { $0.contains("nothing between 2026-12-02 02:00 and 2026-12-02 03:15 UTC, around the alert at 2026-12-02 03:00") },
                      lines.joined(separator: "\n"))
    }

    func testWindowTermAndZoomKeys() throws {
        var state = try anchored("at:2026-12-01T10:20:00Z window:10m+5m")
        XCTAssertEqual(state.list.count, 2, "10:10 to 10:25: host-1 and the staging deploy (the build ended 10:09)")
        state.apply(.zoom(2))
        XCTAssertTrue(state.filterText.hasSuffix("window:20m+10m"), state.filterText)
        state.apply(.zoom(0.25))
        XCTAssertTrue(state.filterText.hasSuffix("window:5m+2m30s"), state.filterText)
    }

    func testZoomWithoutAnAnchorAnchorsAtTheSelection() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply([.move(1), .zoom(0.5)])
        XCTAssertEqual(state.filter.anchor, try Timestamp.parse("2026-12-01T10:30:00Z"))
        XCTAssertEqual(state.filter.window, TimeWindow(before: 30 * 60_000, after: 450_000))
    }

    func testJumpToFailuresInListAndTree() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(.jumpToFailure(1))
        XCTAssertEqual(state.store.id(state.selectedRecord!), "deploy-prod")
        state.apply(.jumpToFailure(1))
        XCTAssertEqual(state.store.id(state.selectedRecord!), "deploy-prod", "no later failure: stays")
        XCTAssertEqual(state.notice, "no older failure below")
        state.apply([.first, .switchFocus])
        state.apply([.move(-10)])
        state.apply(.jumpToFailure(1))
        XCTAssertEqual(state.treeCursorRecord.map(state.store.id), "flag-1", "the flag's tree has no failure: the cursor stays")
        XCTAssertEqual(state.notice, "no failure below in this tree")
        state.apply([.switchFocus, .move(1), .switchFocus, .first, .jumpToFailure(1)])
        XCTAssertEqual(state.treeCursorRecord.map(state.store.id), "deploy-prod")
    }

    func testFacetsCountTheFilteredEventsAndNarrowTheFilter() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(.showFacets)
        XCTAssertEqual(state.facets.first?.key, "service")
        XCTAssertEqual(state.facets.first { $0.key == "environment" }?.values.map(\.value), ["prod", "staging"])
        XCTAssertEqual(state.facets.first { $0.key == "environment" }?.values.map(\.count), [2, 2])
        // Cursor on environment:prod (service:svc-a is first), then exclude it.
        state.apply([.move(1), .chooseFacet(isExcluded: true)])
        XCTAssertEqual(state.filterText, "-environment:prod")
        XCTAssertEqual(state.list.count, 4)
        XCTAssertNil(state.overlay)
    }

    func testCopiesGoThroughTheClipboardEffect() throws {
        let store = try makeStore(releaseLines())
        var state = makeState(store)
        let terminal = ScriptedTerminal(inputs: [.key(.down), .key(.character("y")), .key(.character("Y")), .key(.character("m")),
                                                 .key(.down), .key(.character("m")), .key(.character("M")), .key(.character("c"))])
        state.startWith(filter: "svc-a since:2026-12-01T00:00:00Z")
        Browser.run(&state, on: terminal, updates: { nil })
        XCTAssertEqual(terminal.clipboard.count, 4)
        XCTAssertEqual(terminal.clipboard[0], "deploy-staging")
        XCTAssertTrue(terminal.clipboard[1].hasPrefix(#"{"id": "deploy-staging", "parent_id": "build-1""#))
        XCTAssertEqual(terminal.clipboard[2], """
            | time (UTC) | local (\(state.timeZone.identifier)) | id | source | status | description |
            |---|---|---|---|---|---|
            | 2026-12-01 10:05:00 | 10:05 | build-1 | jenkins | success | Build svc-a #12 |
            | 2026-12-01 10:15:00 | 10:15 | deploy-staging | spinnaker | success | Deploy svc-a to staging |

            """)
        XCTAssertEqual(terminal.clipboard[3], "since:2026-12-01T00:00:00+00:00 svc-a")
        XCTAssertTrue(terminal.frames.last!.text.contains("sent view to the clipboard (OSC 52)"))
    }

    func testExportNeverOverwritesWithoutAsking() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tycho-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("out.jsonl").path
        var state = makeState(try makeStore(releaseLines()))
        state.startWith(filter: "source:spinnaker")
        let terminal = ScriptedTerminal(inputs: [.key(.character("x")), .key(.clearLine)] + ScriptedTerminal.typing(path) + [.key(.enter)])
        Browser.run(&state, on: terminal, updates: { nil })
        let written = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(written.split(separator: "\n").count, 2)
        try "keep me".write(toFile: path, atomically: true, encoding: .utf8)
        var again = makeState(try makeStore(releaseLines()))
        let refuse = ScriptedTerminal(inputs: [.key(.character("x")), .key(.clearLine)] + ScriptedTerminal.typing(path) + [.key(.enter), .key(.character("n"))])
        Browser.run(&again, on: refuse, updates: { nil })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "keep me")
        XCTAssertTrue(refuse.frames.contains { rows($0)[0].hasPrefix("overwrite it? (y/n) ") }, "the question takes the top row")
        XCTAssertTrue(refuse.frames.last!.text.contains("export cancelled"))
        var third = makeState(try makeStore(releaseLines()))
        let accept = ScriptedTerminal(inputs: [.key(.character("x")), .key(.clearLine)] + ScriptedTerminal.typing(path) + [.key(.enter), .key(.character("y"))])
        Browser.run(&third, on: accept, updates: { nil })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count, 6)
    }

    func testTimeColumnCyclesUTCLocalRelative() throws {
        var state = makeState(try makeStore(releaseLines()), width: 80, height: 16)
        state.timeZone = TimeZone(identifier: "Europe/Berlin")!
        state.apply(.clock(try Timestamp.parse("2026-12-01T12:00:00Z")))
        state.apply(.cycleTimeMode)
        var lines = rows(Screen.render(state))
        XCTAssertTrue(lines[1].hasPrefix(" LOCAL (+01:00)"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("▶12-01 12:00:00"), lines[2])
        state.apply(.cycleTimeMode)
        lines = rows(Screen.render(state))
        XCTAssertTrue(lines[2].hasPrefix("▶1h00m ago"), lines[2])
        state.apply(.cycleTimeMode)
        XCTAssertTrue(rows(Screen.render(state))[1].hasPrefix(" TIME (UTC)"))
    }

    func testHistogramStripAndTimeBars() throws {
        let state = try anchored(width: 120, height: 24)
        XCTAssertEqual(state.histogram.counts.reduce(0, +), 5)
        XCTAssertEqual(state.histogram.failures.reduce(0, +), 1)
        let canvas = Screen.render(state)
        let strip = canvas.rowText(1)
        XCTAssertTrue(strip.hasPrefix("2026-12-01 09:20 "), strip)
        XCTAssertTrue(strip.hasSuffix(" 2026-12-01 10:35"), strip)
        XCTAssertTrue(strip.contains("█"))
        let failedColumn = (0..<canvas.width).first { canvas[$0, 1].style.foreground == .red }
        XCTAssertNotNil(failedColumn, "the failed deploy's slice is red")
        // Tree rows end with a bar of their span within the root's.
        let treeRow = rows(canvas).first { $0.contains("chef/host-work") }!
        XCTAssertTrue(treeRow.contains("█") && treeRow.contains("·"), treeRow)
    }

    func testViewStringRoundTrips() throws {
        let now = try Timestamp.parse("2026-12-03T15:00:00Z")
        for text in ["service:foo environment:prod since:2h", "at:14:05 window:90m -status:success \"disk full\"", "until:yesterday cache", ""] {
            let filter = try EventFilter(parsing: text, now: now)
            let again = try EventFilter(parsing: filter.viewString, now: now + 86_400_000)
            XCTAssertEqual(again, filter, text)
            XCTAssertEqual(again.viewString, filter.viewString)
        }
    }
}

/// Collapse the noise: many children of one kind become one line until opened.
final class NoiseTests: XCTestCase {
    func testManySameKindChildrenAreSummarisedAndOpenWithFailuresFirst() throws {
        var lines = [line("deploy-1", start: "2026-12-01T10:00:00Z", description: "Deploy svc-a to prod", tags: ["source": "spinnaker", "type": "deploy"])]
        for k in 0..<40 {
            let minute = k < 10 ? "0\(k)" : "\(k)"
            lines.append(line("host-\(k)", parent: "deploy-1", start: "2026-12-01T10:\(minute):30Z", description: "upgrade host \(k)",
                              tags: ["source": "chef", "type": "host-upgrade", "status": k == 7 || k == 31 ? "fail" : "success"]))
        }
        lines.append(line("check-1", parent: "deploy-1", start: "2026-12-01T10:45:00Z", description: "smoke test", tags: ["source": "jenkins", "type": "test"]))
        var state = makeState(try makeStore(lines), width: 80, height: 24)
        state.apply(.last)  // the deploy: its 41 children are shown, the 40 host upgrades as one line
        XCTAssertEqual(state.store.id(state.selectedRecord!), "deploy-1")
        var tree = rows(Screen.render(state)).filter { $0.hasPrefix("▾") || $0.hasPrefix("├") || $0.hasPrefix("└") }
        XCTAssertEqual(tree, [
            "▾ spinnaker/deploy  Deploy svc-a to prod",
            "├─▸ 40 × chef/host-upgrade, 2 failed",
            "└─• jenkins/test  smoke test",
        ])
        state.apply([.switchFocus, .move(1), .toggleNode])
        tree = rows(Screen.render(state)).filter { $0.hasPrefix("├") }
        XCTAssertEqual(Array(tree.prefix(3)), [
            "├─• chef/host-upgrade  fail  upgrade host 7",
            "├─• chef/host-upgrade  fail  upgrade host 31",
            "├─• chef/host-upgrade  success  upgrade host 0",
        ], "an opened group lists its failures first")
        XCTAssertEqual(state.tree.rows.count, 42)
    }
}
