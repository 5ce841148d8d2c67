import TychoModel
import TychoScreen
import XCTest

final class ScreenSnapshotTests: XCTestCase {
    func testFirstScreenShowsNewestEventAndItsTree() throws {
        let state = makeState(try makeStore(releaseLines()), width: 80, height: 16)
        assertScreen(Screen.render(state), """
         all events  (/ to filter, ? for help)                            6 of 6 events
         TIME (UTC)     DUR    STATUS  SOURCE     SERVICE/ENV    DESCRIPTION
        ▶12-01 11:00:00 0s     success launchdar… prod           Feature flag checkout-…
         12-01 10:30:00 15m    fail    spinnaker  svc-a/prod     Deploy svc-a to prod
         12-01 10:16:00 0s     success chef       staging        chef run on staging-ho…
         12-01 10:15:00 5m     success spinnaker  svc-a/staging  Deploy svc-a to staging
         12-01 10:05:00 4m     success jenkins    svc-a          Build svc-a #12
         12-01 10:00:00 0s     success github                    Fix cache eviction
        ── tree of flag-1 · 1 shown (Tab to focus) ─────────────────────────────────────
        • launchdarkly/feature-flag  success  Feature flag checkout-v2 on





         data                                        ? help  / filter  Tab pane  q quit
        """)
    }

    func testSelectingAHostEventShowsItsWholeReleaseTree() throws {
        var state = makeState(try makeStore(releaseLines()), width: 80, height: 16)
        state.apply([.move(2)])
        let lines = rows(Screen.render(state))
        XCTAssertEqual(Array(lines[8...13]), [
            "── tree of commit-1 · 5 shown (Tab to focus) ───────────────────────────────────",
            "▾ github/commit  success  Fix cache eviction",
            "└─▾ jenkins/build  success  Build svc-a #12",
            "  ├─▾ spinnaker/deploy  success  Deploy svc-a to staging",
            "  │ └─• chef/host-work  success  chef run on staging-host-1",
            "  └─• spinnaker/deploy  fail  Deploy svc-a to prod",
        ])
    }

    func testCollapsingANodeHidesItsChildrenAndShowsTheirCount() throws {
        var state = makeState(try makeStore(releaseLines()), width: 80, height: 16)
        state.apply([.move(2), .switchFocus, .collapseOrParent, .collapseOrParent])
        // The cursor was on the host; ← goes to its parent, ← again collapses the deploy.
        var lines = rows(Screen.render(state))
        XCTAssertEqual(lines[11], "  ├─▸ (1) spinnaker/deploy  success  Deploy svc-a to staging")
        XCTAssertEqual(lines[12], "  └─• spinnaker/deploy  fail  Deploy svc-a to prod")
        state.apply(.toggleNode)
        lines = rows(Screen.render(state))
        XCTAssertEqual(lines[12], "  │ └─• chef/host-work  success  chef run on staging-host-1")
    }

    func testFailedEventsAreRedAndTheSelectionIsReversed() throws {
        let state = makeState(try makeStore(releaseLines()), width: 80, height: 16)
        let canvas = Screen.render(state)
        XCTAssertTrue(canvas[5, 2].style.isReverse, "selected row is reversed while the list has focus")
        XCTAssertEqual(canvas[5, 3].style.foreground, .red, "the failed deploy's row is red")
        XCTAssertNil(canvas[5, 4].style.foreground)
    }

    func testTooSmallTerminalSaysSo() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(.resize(width: 20, height: 5))
        XCTAssertEqual(rows(Screen.render(state))[0], "terminal too small:…")
        state.apply(.resize(width: 39, height: 9))
        XCTAssertEqual(rows(Screen.render(state))[0], "terminal too small: 39×9, need 40×10")
        state.apply(.resize(width: 80, height: 24))
        XCTAssertTrue(rows(Screen.render(state))[0].contains("6 of 6 events"))
    }

    func testEverySizeRendersWithoutCrashing() throws {
        var state = makeState(try makeStore(releaseLines()))
        for (width, height) in [(1, 1), (20, 5), (40, 10), (80, 24), (400, 120), (41, 11), (0, 0)] {
            state.apply(.resize(width: width, height: height))
            state.apply([.move(3), .page(1), .last, .switchFocus, .page(-1), .first, .switchFocus])
            let canvas = Screen.render(state)
            XCTAssertEqual(canvas.width, width)
            XCTAssertEqual(canvas.height, height)
        }
    }
}
