import Foundation
import TychoModel
import TychoScreen
import XCTest

/// Faults a first-time user hit, each kept as a test of its whole kind.
final class UserReportedTests: XCTestCase {
    func testHugeWindowsAndTimesAreRefusedOrCappedNeverOverflow() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.startWith(filter: "at:2026-12-01T10:20:00Z window:2000000000000h+600000000000h")
        XCTAssertNotNil(state.filterError, "a window longer than 10,000 years is refused")
        state.apply(.filterCancel)
        state.startWith(filter: "since:15250284452w until:9999-12-31T00:00:00Z")
        XCTAssertNotNil(state.filterError)
        state.apply(.filterCancel)
        state.startWith(filter: "at:2026-12-01T10:20:00Z")
        for _ in 0..<80 { state.apply(.zoom(2)) }  // far past any sensible width: capped at 100 years a side
        XCTAssertEqual(state.filter.window.before, 100 * 366 * 86_400_000)
        XCTAssertEqual(state.list.count, 6)
        _ = Screen.render(state)
    }

    func testTheClockAndResizingNeitherAnswerTheOverwriteQuestionNorWipeNotices() throws {
        // The clock ticks every second; it used to cancel the question before anyone could answer.
        var state = makeState(try makeStore(releaseLines()))
        state.askToOverwrite("/tmp/out.jsonl")
        state.apply(.clock(state.now + 1000))
        state.apply(.resize(width: 100, height: 30))
        state.apply(.clock(state.now + 1000))
        XCTAssertEqual(state.pendingOverwrite, "/tmp/out.jsonl")
        XCTAssertTrue(rows(Screen.render(state))[0].contains("overwrite it? (y/n)"))
        state.apply(KeyMap.action(for: .character("y"), in: state)!)
        XCTAssertEqual(state.takeEffects(), [.export(path: "/tmp/out.jsonl", overwrite: true)])
        state.apply(.notice("sent id to the clipboard (OSC 52)"))
        state.apply(.clock(state.now + 1000))
        XCTAssertEqual(state.notice, "sent id to the clipboard (OSC 52)", "a notice outlives the clock")
        state.apply(.move(1))
        XCTAssertNil(state.notice, "and goes with the next key")
    }

    func testCopiesNeverCarryControlCharactersToTheClipboard() throws {
        // Pasted into a shell, a raw newline runs a command and ESC[201~ ends bracketed paste.
        let store = try makeStore([
            #"{"id": "t2\u001b[31mred", "start_time": "2026-12-01T10:00:00Z", "description": "clip \u001b]52;c;cm0gLXJm\u0007 end", "tags": {"source": ["ops"]}}"#,
            #"{"id": "ctl", "start_time": "2026-12-01T09:00:00Z", "description": "nul\u0000 bs\b cr\r nl\nrm -rf x\u001b[201~ c1\u009b31m", "tags": {"source": ["ops"]}}"#,
        ])
        var state = makeState(store)
        let terminal = ScriptedTerminal(inputs: [.key(.character("m")), .key(.character("y")), .key(.down), .key(.character("m")),
                                                 .key(.character("M")), .key(.character("c"))])
        Browser.run(&state, on: terminal, updates: { nil })
        XCTAssertEqual(terminal.clipboard.count, 2, "c without a filter copies nothing (ClipboardTests)")
        XCTAssertEqual(terminal.clipboard[0], #"t2\x1B[31mred"#)
        for text in terminal.clipboard {
            let unsafe = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F..<0xA0).contains($0.value) }
            XCTAssertTrue(unsafe.isEmpty, "raw controls on the clipboard: \(text.debugDescription)")
        }
        let markdown = terminal.clipboard[1].split(separator: "\n")
        XCTAssertEqual(markdown.count, 4, "a header, a rule and one row per event: \(markdown)")
        XCTAssertTrue(markdown[2].contains(#"nul\x00 bs\x08 cr  nl rm -rf x\x1B[201~ c1\x9B31m"#), String(markdown[2]))
        XCTAssertTrue(markdown[3].contains(#"clip \x1B]52;c;cm0gLXJm\x07 end"#), String(markdown[3]))
    }

    func testAVeryLongFilterStillDrawsItsEnd() throws {
        var state = makeState(try makeStore(releaseLines()), width: 120, height: 30)
        state.apply(.startFilter)
        state.apply(.filterInsert(String(repeating: "abcdefghij", count: 2_000) + "THE-END"))
        let top = rows(Screen.render(state))[0]
        XCTAssertTrue(top.contains("THE-END█"), top)
        XCTAssertEqual(tail(of: "ab修复", fitting: 3), "复")
        XCTAssertEqual(tail(of: "ab修复", fitting: 5), "b修复")
    }

    func testAHugeDescriptionOpensInPartAndLongWordsWrap() throws {
        let huge = String(repeating: "B", count: 200_000)
        let url = "https://deploy.example.com/" + String(repeating: "x", count: 150) + "/END"
        let store = try makeStore([#"{"id": "big", "start_time": "2026-12-01T10:00:00Z", "description": "\#(huge)", "detail_urls": {"log": "\#(url)"}}"#])
        var state = makeState(store, width: 80, height: 24)
        state.apply(.openDetail)
        XCTAssertTrue(state.overlayLines.contains { $0.contains("more bytes: tycho get big") })
        XCTAssertTrue(state.overlayLines.contains { $0.hasSuffix("/END") }, "a long URL is broken onto lines, not cut")
        XCTAssertTrue(state.overlayLines.allSatisfy { DisplayWidth.of($0) <= 78 })
    }

    func testTabShowsTheCandidatesWhenThereAreSeveral() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(.startFilter)
        state.type("source:")
        state.apply(.filterComplete)
        let lines = rows(Screen.render(state))
        XCTAssertEqual(lines[1], " Tab: source:spinnaker  source:chef  source:github  source:jenkins  source:laun…", "most common first")
    }

    func testRelativeTimesFollowTheClock() throws {
        let base = try Timestamp.parse("2026-12-01T10:30:00Z")
        var state = AppState(store: try makeStore(releaseLines()), dataDirectory: "data", now: base, width: 80, height: 24)
        state.startWith(filter: "since:20m")
        XCTAssertEqual(state.list.count, 4, "10:10 on: host-1, both deploys, and the staging deploy still running")
        state.apply(.clock(base + 30 * 60_000))
        XCTAssertEqual(state.list.count, 2, "half an hour later, since:20m starts at 10:40: the flag and the still-running prod deploy")
    }

    func testLocalTimesUseEachEventsOwnOffsetAcrossDaylightSaving() throws {
        let store = try makeStore([line("summer", start: "2026-05-09T07:29:02Z", tags: ["source": "apt"]),
                                   line("winter", start: "2026-12-01T07:29:02Z", tags: ["source": "apt"])])
        var state = makeState(store, width: 80, height: 16)
        state.timeZone = TimeZone(identifier: "America/New_York")!
        state.apply(.cycleTimeMode)
        let lines = rows(Screen.render(state))
        XCTAssertTrue(lines[2].hasPrefix("▶12-01 02:29:02"), lines[2])
        XCTAssertTrue(lines[3].hasPrefix(" 05-09 03:29:02"), lines[3])
    }

    func testFacetsAndViewStringsQuoteAwkwardTagNames() throws {
        let store = try makeStore([#"{"id": "odd", "start_time": "2026-12-01T10:00:00Z", "tags": {"k:v": ["a:b"], "space key": ["v v"], "-neg": ["x"]}}"#,
                                   line("plain", start: "2026-12-01T09:00:00Z", tags: ["source": "x"])])
        for (key, value) in [("-neg", "x"), ("k:v", "a:b"), ("space key", "v v")] {
            var state = makeState(store)
            state.startWith(filter: TagTerm(key: key, value: value).filterTerm())
            XCTAssertNil(state.filterError, state.filterText)
            XCTAssertEqual(state.list.count, 1, state.filterText)
            XCTAssertEqual(state.filter.tags, [TagTerm(key: key, value: value)])
            let again = try EventFilter(parsing: state.filter.viewString, now: 0)
            XCTAssertEqual(again, state.filter)
            state.startWith(filter: TagTerm(key: key, value: value).filterTerm(isExcluded: true))
            XCTAssertEqual(state.list.count, 1, "excluding it leaves the other event")
        }
    }

    func testTheSmallestUsableScreenStillShowsDescriptions() throws {
        let state = makeState(try makeStore(releaseLines()), width: 40, height: 10)
        let lines = rows(Screen.render(state))
        XCTAssertTrue(lines[1].contains("DESCRIPTION"), lines[1])
        XCTAssertTrue(lines[2].contains("Feature flag"), lines[2])
    }

    func testListsSpanningYearsShowTheYear() throws {
        let store = try makeStore([line("new", start: "2026-12-01T10:00:00Z"), line("old", start: "2018-12-31T18:38:52Z")])
        let lines = rows(Screen.render(makeState(store, width: 80, height: 16)))
        XCTAssertTrue(lines[2].hasPrefix("▶2026-12-01 10:00"), lines[2])
        XCTAssertTrue(lines[3].hasPrefix(" 2018-12-31 18:38"), lines[3])
    }

    func testEarlyYearsKeepTheirFourDigits() throws {
        let store = try makeStore([line("new", start: "2026-12-01T10:00:00Z"), line("ancient", start: "0001-01-01T00:00:00Z")])
        var state = makeState(store, width: 80, height: 16)
        let lines = rows(Screen.render(state))
        XCTAssertTrue(lines[3].hasPrefix(" 0001-01-01 00:00"), lines[3])
        state.apply([.last, .openDetail])
        XCTAssertTrue(rows(Screen.render(state)).contains { $0.contains("0001-01-01 00:00:00 UTC") }, rows(Screen.render(state)).joined(separator: "\n"))
    }

    func testF1OpensTheHelpAsWellAsQuestionMark() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(try XCTUnwrap(KeyMap.action(for: .function(1), in: state)))
        XCTAssertTrue(rows(Screen.render(state)).contains { $0.contains("? F1") && $0.contains("this help") })
        XCTAssertNil(KeyMap.action(for: .function(5), in: state), "other function keys do nothing")
    }

    func testExportRefusesTheDataDirectoryAndAnEmptyName() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(.startExport)
        state.apply(.filterClear)
        state.apply(.filterApply)
        XCTAssertEqual(state.notice, "type a file name to export to (Esc cancels)")
        state.type("data/out.jsonl")
        state.apply(.filterApply)
        XCTAssertTrue(state.notice?.hasPrefix("not inside the data directory") == true)
        XCTAssertTrue(state.takeEffects().isEmpty)
    }

    func testExportProposesAPlaceItWillAcceptAndOnlyWhenThereIsSomethingToExport() throws {
        let workingDirectory = FileManager.default.currentDirectoryPath
        // Opened with --data . : the working directory is the data directory, so home it is.
        var inData = AppState(store: try makeStore(releaseLines()), dataDirectory: workingDirectory, now: fixedNow, width: 80, height: 24)
        inData.apply(.startExport)
        XCTAssertEqual(inData.editor?.text, FileManager.default.homeDirectoryForCurrentUser.path + "/tycho-export.jsonl")
        var elsewhere = makeState(try makeStore(releaseLines()))
        elsewhere.apply(.startExport)
        XCTAssertEqual(elsewhere.editor?.text, workingDirectory + "/tycho-export.jsonl")

        var empty = makeState(try makeStore(releaseLines()))
        empty.startWith(filter: "service:no-such-service")
        empty.apply(.startExport)
        XCTAssertNil(empty.editor)
        XCTAssertEqual(empty.notice, "nothing to export: no events match the filter")
    }

    func testExportToADirectorySaysSoInsteadOfAskingToOverwrite() throws {
        let directory = NSTemporaryDirectory() + "tycho-export-dir-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var state = makeState(try makeStore(releaseLines()))
        let terminal = ScriptedTerminal(width: 80, height: 24, inputs: [.key(.character("x")), .key(.clearLine)]
            + directory.map { .key(.character($0)) } + [.key(.enter)])
        Browser.run(&state, on: terminal, updates: { nil })
        let status = rows(try XCTUnwrap(terminal.lastFrame)).last ?? ""
        XCTAssertTrue(status.hasPrefix(" \(directory) is a directory"), status)
        XCTAssertNil(state.pendingOverwrite)
    }

    func testAnEndBeforeTheStartShowsAsTheNegativeSpanItIs() throws {
        var state = makeState(try makeStore([line("backwards", start: "2026-12-01T10:00:00Z", end: "2026-12-01T09:00:00Z")]), width: 100)
        XCTAssertTrue(rows(Screen.render(state))[3].hasPrefix("▶12-01 10:00:00 -1h00m "), rows(Screen.render(state))[3])
        state.apply(.openDetail)
        XCTAssertTrue(rows(Screen.render(state)).contains { $0.contains("duration -1h00m (ends before it starts)") },
                      rows(Screen.render(state)).joined(separator: "\n"))
    }

    func testFacetsOfNothingSayWhy() throws {
        var state = makeState(try makeStore(releaseLines()), width: 120)
        state.startWith(filter: "service:no-such-service")
        state.apply(.showFacets)
        XCTAssertTrue(rows(Screen.render(state)).contains { $0.contains("no tags to count: no event matches the filter") },
                      rows(Screen.render(state)).joined(separator: "\n"))
    }

    func testALongDataPathIsWhatTheStatusLineCutsNotTheCounts() throws {
        let longPath = "/srv/" + String(repeating: "very-long-directory-name/", count: 6) + "events"
        var state = AppState(store: try makeStore(releaseLines() + ["not json"]), dataDirectory: longPath, now: fixedNow, width: 100, height: 24)
        state.apply(.toggleFollow)
        let status = rows(Screen.render(state)).last ?? ""
        XCTAssertTrue(status.hasPrefix(" paused (f follows) · 1 bad line (! to list) · /srv/very-long"), status)
    }
}
