import Foundation
import XCTest

/// The browser on the shipped example data, driven key by key in tmux, as a person would.
final class BrowserSessionTests: TmuxTestCase {
    /// What the example data holds (examples/README.md): 1,165 events, three malformed lines.
    static let allEvents = "1,165 of 1,165 events"

    /// Starts the browser on the example data and waits until it has read all of it.
    func openExamples(width: Int = 120, height: Int = 35) throws -> TmuxSession {
        let session = try startTycho(width: width, height: height)
        try session.waitUntil("all the example data is loaded") { $0.contains(Self.allEvents) && !$0.contains("loading") }
        return session
    }

    func testOpensOnTheNewestEventWithCounts() throws {
        let session = try openExamples()
        let screen = try BrowserScreen(session.screen())
        XCTAssertTrue(screen.filterBar.hasSuffix(Self.allEvents), screen.filterBar)
        XCTAssertEqual(screen.header.split(separator: " ").prefix(3), ["TIME", "(UTC)", "DUR"])
        XCTAssertGreaterThanOrEqual(screen.listRows.count, 10, framed(screen.rows.joined(separator: "\n")))
        // Newest first; the first row is selected: the newest event of all (ties broken by id).
        // (Rows are recognised by their text, not the time format, which the time column can change.)
        XCTAssertTrue(screen.listRows[0].hasPrefix("▶") && screen.listRows[0].contains("12-03 15:30"),
                      "the newest event is not selected:\n\(framed(screen.rows.joined(separator: "\n")))")
        XCTAssertTrue(screen.listRows[0].hasSuffix("apt-get install lnav (2 install)"), screen.listRows[0])
        XCTAssertEqual(screen.listRows.filter { $0.hasPrefix("▶") }.count, 1)
        XCTAssertTrue(screen.listRows[1].hasPrefix(" ") && screen.listRows[1].contains("image build on host-1: 1 package runs"), screen.listRows[1])
        XCTAssertTrue(screen.treeTitle.hasPrefix("── tree of image-build-2026-12-03 · 4 shown"), screen.treeTitle)
        XCTAssertTrue(screen.status.contains("/examples/events"), screen.status)
        XCTAssertTrue(screen.status.contains("3 bad lines (! to list)"), screen.status)
        XCTAssertTrue(screen.status.hasSuffix("q quit"), screen.status)
    }

    func testStartupTraceSaysWhenTheEventsReachedTheScreen() throws {
        // What `make bench` times the browser's opening by (scripts/startup-time.py).
        let directory = try temporaryDirectory("startup-trace")
        let trace = directory.path + "/trace"
        let session = try startTycho(environment: ["TYCHO_STARTUP_TRACE": trace])
        try session.waitUntil("all the example data is loaded") { $0.contains(Self.allEvents) && !$0.contains("loading") }
        var lines: [[Substring]] = []
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            lines = ((try? String(contentsOfFile: trace, encoding: .utf8)) ?? "").split(separator: "\n").map { $0.split(separator: " ") }
            if lines.contains(where: { $0.count > 1 && $0[1] == "loaded" }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let marks = Dictionary(lines.filter { $0.count > 1 }.map { (String($0[1]), $0) }, uniquingKeysWith: { first, _ in first })
        let loaded = try XCTUnwrap(marks["loaded"], "\(lines)")
        XCTAssertEqual(loaded[2], "1165")
        XCTAssertEqual(loaded[3], "rss-kb")
        XCTAssertGreaterThan(Int(loaded[4]) ?? 0, 1000)
        let firstPaint = try XCTUnwrap(marks["first-paint"], "\(lines)")
        XCTAssertLessThanOrEqual(Int(firstPaint[0]) ?? .max, Int(loaded[0]) ?? 0)
        try session.sendKeys("q")
    }

    func testTagFilterKeepsOnlyMatchingEvents() throws {
        let session = try openExamples()
        try session.type("/source:github")
        try session.waitFor("/ source:github")
        try session.sendKeys("Enter")
        let text = try session.waitFor("46 of 1,165 events")
        let screen = try BrowserScreen(text)
        XCTAssertTrue(screen.filterBar.hasPrefix(" filter: source:github"), screen.filterBar)
        XCTAssertGreaterThanOrEqual(screen.listRows.count, 10)
        for row in screen.listRows {
            XCTAssertEqual(screen.column("SOURCE", of: row), "github", row)
        }
        XCTAssertTrue(screen.selectedRow?.hasSuffix("shop/search: Paginate the order history API") == true, screen.listRows[0])
        // The count agrees with the query command.
        let query = try ProcessRunner.run(try TychoBinary.path(), ["query", "--data", TychoBinary.exampleData, "--tag", "source:github", "--count", "1000"])
        XCTAssertTrue(query.standardOutput.hasSuffix("\"count\": 46}") || query.standardOutput.contains("\"count\": 46"), String(query.standardOutput.suffix(40)))

        // An excluding term, then a bad term: an inline error, the editor stays open, Esc cancels.
        try session.type("/")
        try session.sendKeys("C-u")
        try session.type("-source:github")
        try session.sendKeys("Enter")
        try session.waitFor("1,119 of 1,165 events")
        XCTAssertFalse(try BrowserScreen(session.screen()).listRows.contains { $0.contains(" github ") })
        try session.type("/ since:yesterdayish")
        try session.sendKeys("Enter")
        let error = try session.waitUntil("an inline filter error") { $0.split(separator: "\n").first?.contains("since") == true && $0.contains("█  ") }
        XCTAssertTrue(error.contains("1,119 of 1,165 events"), "a bad filter changed the list:\n\(framed(error))")
        try session.sendKeys("Escape")
        let cancelled = try session.waitFor(" filter: -source:github")
        XCTAssertFalse(cancelled.contains("EXITED"))
    }

    func testTabCompletesTagKeysAndValues() throws {
        let session = try openExamples()
        try session.type("/sou")
        try session.waitFor("/ sou█")
        try session.sendKeys("Tab")
        try session.waitFor("/ source:█")
        try session.type("jen")
        try session.sendKeys("Tab")
        try session.waitFor("/ source:jenkins █")
        try session.type("stat")
        try session.sendKeys("Tab")
        try session.waitFor("/ source:jenkins status:█")
        try session.type("f")
        try session.sendKeys("Tab")
        try session.waitFor("/ source:jenkins status:fail █")
        try session.sendKeys("Enter")
        let screen = try BrowserScreen(session.waitFor(" filter: source:jenkins status:fail "))
        XCTAssertFalse(screen.listRows.isEmpty)
        for row in screen.listRows {
            XCTAssertEqual(screen.column("SOURCE", of: row), "jenkins", row)
            XCTAssertEqual(screen.column("STATUS", of: row), "fail", row)
        }
    }

    /// The tree of commit b778f8c (search build 1083): a commit, its build, three deploys and
    /// their chef runs.
    static let searchReleaseTree = """
        ▾ github  shop/search: Paginate the order history API
        └─▾ jenkins/build  success  build search #1083
          ├─▾ spinnaker/deploy  success  deploy search build 1083 to staging
          │ ├─• chef  success  chef-client on search-stag-01: search 1083, 7 resources updated
          │ ├─• chef  success  chef-client on search-stag-02: search 1083, 7 resources updated
          │ └─• chef  success  chef-client on search-stag-03: search 1083, 7 resources updated
          ├─▾ spinnaker/deploy  success  deploy search build 1083 to canary
          │ └─• chef  success  chef-client on search-cana-01: search 1083, 7 resources updated
          └─▾ spinnaker/deploy  success  deploy search build 1083 to production
            ├─• chef  success  chef-client on search-prod-01: search 1083, 7 resources updated
            ├─• chef  success  chef-client on search-prod-02: search 1083, 7 resources updated
            └─• chef  success  chef-client on search-prod-03: search 1083, 7 resources updated
        """

    /// Whether a list row is the chef run on search-prod-03 (started 15:34, ran 2m24s): by
    /// time and duration, which stay on screen when a narrow list cuts the description.
    func isProductionChefRun(_ row: String?) -> Bool {
        guard let row else { return false }
        return row.contains("12-02 15:34") && row.contains(" 2m24s ")
    }

    /// Selects the chef run on search-prod-03 (the fifth newest event) and returns the screen.
    func selectProductionChefRun(_ session: TmuxSession) throws -> BrowserScreen {
        try session.sendKeys("g", "j", "j", "j", "j")
        let text = try session.waitUntil("the chef run on search-prod-03 is selected") {
            $0.contains("tree of commit-b778f8c78d7c") && (try? BrowserScreen($0).selectedRow?.contains("search-prod-03")) == true
        }
        return try BrowserScreen(text)
    }

    func testSelectedEventShowsItsRootAndChildren() throws {
        let session = try openExamples()
        let screen = try selectProductionChefRun(session)
        XCTAssertTrue(screen.selectedRow?.contains("chef-client on search-prod-03: search 1083") == true, screen.selectedRow ?? "")
        XCTAssertTrue(screen.treeTitle.hasPrefix("── tree of commit-b778f8c78d7c · 12 shown (Tab to focus) ──"), screen.treeTitle)
        XCTAssertEqual(screen.treeLabels.joined(separator: "\n"), Self.searchReleaseTree)
        // The selected event is highlighted in the tree: its row is the one in reverse video.
        let attributed = try session.screenWithAttributes().split(separator: "\n", omittingEmptySubsequences: false)
        let highlighted = attributed.enumerated().filter { $0.element.contains("\u{1B}[7m") || $0.element.contains(";7m") }.map(\.offset)
        XCTAssertTrue(highlighted.contains(screen.treeTitleIndex + 12), "rows in reverse video: \(highlighted)")
    }

    func testTreeNodeCollapsesAndExpands() throws {
        let session = try openExamples()
        _ = try selectProductionChefRun(session)
        try session.sendKeys("Tab")
        try session.waitFor("12 shown (focused")
        // The cursor starts on the selected leaf: ← goes to its parent, ← again collapses it.
        try session.sendKeys("Left", "h")
        var screen = try BrowserScreen(session.waitFor("9 shown (focused"))
        XCTAssertEqual(screen.treeLabels.last, "  └─▸ (3) spinnaker/deploy  success  deploy search build 1083 to production")
        XCTAssertFalse(screen.treeRows.contains { $0.contains("search-prod-0") }, screen.treeRows.joined(separator: "\n"))
        XCTAssertEqual(screen.treeRows.count, 9)
        // → expands it again, with every child back.
        try session.sendKeys("l")
        screen = try BrowserScreen(session.waitFor("12 shown (focused"))
        XCTAssertEqual(screen.treeLabels.joined(separator: "\n"), Self.searchReleaseTree)
        // Enter toggles: move up to the staging deploy, close it, open it.
        try session.sendKeys("k", "k", "k", "k", "k", "k", "Enter")
        screen = try BrowserScreen(session.waitFor("9 shown (focused"))
        XCTAssertEqual(screen.treeLabels[2], "  ├─▸ (3) spinnaker/deploy  success  deploy search build 1083 to staging")
        XCTAssertFalse(screen.treeRows.contains { $0.contains("search-stag-0") })
        try session.sendKeys("Space")
        screen = try BrowserScreen(session.waitFor("12 shown (focused"))
        XCTAssertEqual(screen.treeLabels.joined(separator: "\n"), Self.searchReleaseTree)
    }

    func testDetailViewShowsEveryFieldAndEscapeClosesIt() throws {
        let session = try openExamples()
        try session.type("/source:github")
        try session.sendKeys("Enter")
        try session.waitFor("46 of 1,165 events")
        try session.sendKeys("Enter")
        let detail = try session.waitFor(" Event")
        let lines = detail.split(separator: "\n").map(String.init)
        for expected in [
            " id           commit-b778f8c78d7c",
            " parent_id    (none)",
            " source_id    b778f8c78d7ce2dac66984e35533ea6964f845bf",
            " start_time   2026-12-02 14:57:00 UTC   2026-12-02T14:57:00+00:00",
            " children     1",
            " read from    events-2026-12-02.jsonl:50",
            "   shop/search: Paginate the order history API",
            " detail_urls",
            "   commit       https://github.example.com/shop/search/commit/b778f8c78d7ce2dac66984e35533ea6964f845bf",
            " tags",
            "   source       github",
            "   author       dmitri@example.com",
            "   repository   shop/search",
            "   service      search",
        ] {
            XCTAssertTrue(lines.contains(expected), "the detail view lacks \(quoted(expected)):\n\(framed(detail))")
        }
        XCTAssertTrue(lines.last?.hasPrefix(" q or Esc to close") == true)
        try session.sendKeys("Escape")
        let back = try BrowserScreen(session.waitForAbsence(of: "q or Esc to close"))
        XCTAssertTrue(back.selectedRow?.hasSuffix("shop/search: Paginate the order history API") == true)
        // q closes the view too, without quitting.
        try session.sendKeys("Enter")
        try session.waitFor(" id           commit-b778f8c78d7c")
        try session.sendKeys("q")
        let main = try session.waitFor("46 of 1,165 events")
        XCTAssertFalse(main.contains("EXITED"))
    }

    func testHelpListsTheKeysAndQClosesIt() throws {
        let session = try openExamples()
        try session.type("?")
        try session.waitFor(" Keys")
        let lines = try readWholeOverlay(session)
        let help = lines.joined(separator: "\n")
        for key in ["q", "Ctrl-C", "?", "/", "Tab", "j ↓", "k ↑", "PgDn", "PgUp", "g Home", "G End", "!", "Enter", "Enter Space", "← h", "→ l", "Esc"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix("   " + key + " ") }, "help does not list \(quoted(key)):\n\(framed(help))")
        }
        // At the end, one step back shows the line before: scrolling stops at the last line.
        try session.sendKeys("G")
        let end = try session.waitUntil("help shows its last line") { $0.contains("  word \"a phrase\"") }
        let endFooter = end.split(separator: "\n").last.map(String.init) ?? ""
        try session.sendKeys("k")
        let back = try session.waitUntil("help scrolls back one line") { !$0.hasSuffix(endFooter) }
        XCTAssertFalse(back.contains("  word \"a phrase\""), framed(back))
        try session.type("q")
        let main = try session.waitFor(Self.allEvents)
        XCTAssertFalse(main.contains(" Keys"))
        XCTAssertFalse(main.contains("EXITED"))
    }

    func testBadLinesAreListedAsFileLineReason() throws {
        let session = try openExamples()
        try session.type("!")
        let text = try session.waitFor(" Lines that could not be read")
        let problems = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(" events-") }
        XCTAssertEqual(problems.count, 3, framed(text))
        for (problem, line) in zip(problems, [4, 7, 27]) {
            XCTAssertTrue(problem.hasPrefix(" events-2026-11-29.jsonl:\(line): "), problem)
            XCTAssertGreaterThan(problem.count, " events-2026-11-29.jsonl:\(line): ".count + 5, "no reason given: \(problem)")
        }
        try session.type("q")
        try session.waitFor(Self.allEvents)
    }

    func testResizeRedrawsAtEverySize() throws {
        let session = try openExamples()
        _ = try selectProductionChefRun(session)
        try session.resize(width: 80, height: 24)
        var screen = try BrowserScreen(session.waitUntil("the screen is redrawn at 80×24") { isComplete($0, width: 80, height: 24) })
        XCTAssertEqual(screen.rows.count, 24)
        XCTAssertEqual(cellWidth(screen.filterBar), 79, "the counts are not at the right edge: \(screen.filterBar)")
        XCTAssertGreaterThanOrEqual(screen.listRows.count, 5)
        XCTAssertTrue(isProductionChefRun(screen.selectedRow), "the selection was lost: \(screen.selectedRow ?? "no row selected")")
        XCTAssertTrue(screen.treeTitle.hasPrefix("── tree of commit-b778f8c78d7c"))
        XCTAssertEqual(cellWidth(screen.treeTitle), 80, screen.treeTitle)
        XCTAssertTrue(screen.status.hasSuffix("q quit"), screen.status)
        for row in screen.rows { XCTAssertLessThanOrEqual(cellWidth(row), 80, row) }

        try session.resize(width: 30, height: 8)
        let small = try session.waitFor("terminal too small")
        let smallRows = small.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(smallRows.count, 8)
        XCTAssertEqual(smallRows.filter { !$0.isEmpty }.count, 1, "more than the message:\n\(framed(small))")
        XCTAssertLessThanOrEqual(cellWidth(String(smallRows[0])), 30)

        try session.resize(width: 120, height: 35)
        screen = try BrowserScreen(session.waitUntil("the screen is redrawn at 120×35") { isComplete($0, width: 120, height: 35) })
        XCTAssertEqual(screen.rows.count, 35)
        XCTAssertFalse(screen.rows.joined().contains("too small"))
        XCTAssertEqual(cellWidth(screen.filterBar), 119, screen.filterBar)
        XCTAssertGreaterThanOrEqual(screen.listRows.count, 10)
        XCTAssertTrue(isProductionChefRun(screen.selectedRow), "the selection was lost: \(screen.selectedRow ?? "no row selected")")
        XCTAssertEqual(screen.treeLabels.joined(separator: "\n"), Self.searchReleaseTree)
        XCTAssertEqual(cellWidth(screen.treeTitle), 120)
        XCTAssertEqual(cellWidth(screen.status), 120 - 1, screen.status)
    }

    func testQuitRestoresTheTerminal() throws {
        let session = try openExamples()
        try session.type("q")
        try assertTerminalRestored(session, status: 0)
    }
}

/// Whether `text` is a whole main screen of the given size: counts at the top, the list
/// header, the tree title and the status line all there (ncurses draws in several writes, so
/// a capture can catch a screen half drawn).
func isComplete(_ text: String, width: Int, height: Int) -> Bool {
    guard let screen = try? BrowserScreen(text), screen.rows.count == height else { return false }
    return screen.filterBar.hasSuffix(" events") && screen.status.hasSuffix("q quit") && cellWidth(screen.treeTitle) == width
        && !screen.listRows.isEmpty && screen.rows.allSatisfy { cellWidth($0) <= width }
}

/// Every line of the open overlay (help, detail, bad lines), paging down with PgDn until the
/// footer's `lines A–B of N` reaches N.
func readWholeOverlay(_ session: TmuxSession) throws -> [String] {
    var lines: [String] = []
    var screen = try session.screen()
    for _ in 0..<50 {
        var rows = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let footer = rows.removeLast()
        lines += rows.dropFirst()
        guard let range = footer.range(of: #"lines \d+–\d+ of \d+"#, options: .regularExpression) else { break }
        let numbers = footer[range].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count == 3, numbers[1] < numbers[2] else { break }
        try session.sendKeys("NPage")
        screen = try session.waitUntil("the overlay scrolls past line \(numbers[1])") { !$0.hasSuffix(footer) }
    }
    return lines
}

/// Checks the program has exited with `status` and left the terminal as it found it: the main
/// screen back, the cursor visible, keypad modes off, and nothing of the browser on screen.
func assertTerminalRestored(_ session: TmuxSession, status: Int, file: StaticString = #filePath, line: UInt = #line) throws {
    let screen = try session.waitFor("EXITED rc=")
    XCTAssertTrue(screen.contains("EXITED rc=\(status)"), "wrong exit status:\n\(framed(screen))", file: file, line: line)
    for leftover in ["events", "TIME (UTC)", "── tree", "▶", "q quit", "filter"] {
        XCTAssertFalse(screen.contains(leftover), "\(quoted(leftover)) is still on screen:\n\(framed(screen))", file: file, line: line)
    }
    XCTAssertEqual(try session.format("#{alternate_on}"), "0", "still on the alternate screen", file: file, line: line)
    XCTAssertEqual(try session.format("#{cursor_flag}"), "1", "the cursor is still hidden", file: file, line: line)
    XCTAssertEqual(try session.format("#{keypad_cursor_flag}#{keypad_flag}"), "00", "keypad mode left on", file: file, line: line)
}
