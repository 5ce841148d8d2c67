import TychoModel
import TychoScreen
import XCTest

/// Whole sessions: keys in through the key map, the last frame out, as a user would see it.
final class BrowserSessionTests: XCTestCase {
    private func run(_ store: EventStore, width: Int = 80, height: Int = 16, _ inputs: [Input]) -> (AppState, ScriptedTerminal) {
        var state = makeState(store, width: width, height: height)
        let terminal = ScriptedTerminal(width: width, height: height, inputs: inputs)
        Browser.run(&state, on: terminal, updates: { nil })
        return (state, terminal)
    }

    func testFilterByTagThenReadTheParent() throws {
        // "What did spinnaker change, and what was its parent?" in a few keys.
        let keys: [Input] = [.key(.character("/"))] + ScriptedTerminal.typing("source:spinnaker") + [.key(.enter)]
        let (state, terminal) = run(try makeStore(releaseLines()), keys + [.key(.character("q"))])
        XCTAssertTrue(state.isQuitting)
        let lines = rows(try XCTUnwrap(terminal.frames.last))
        XCTAssertTrue(lines[0].hasPrefix(" filter: source:spinnaker"), lines[0])
        XCTAssertTrue(lines[0].hasSuffix("2 of 6 events"), lines[0])
        XCTAssertTrue(lines[2].contains("Deploy svc-a to prod"))
        XCTAssertTrue(lines[3].contains("Deploy svc-a to stag"))
        XCTAssertEqual(lines[4], "")
        XCTAssertTrue(lines.contains("└─▾ jenkins/build  success  Build svc-a #12"))
    }

    func testTheFilterIsEditedWhereTheCursorIs() throws {
        // A typo at the start of a long filter: Home, fix it, Enter — not twenty backspaces.
        let keys: [Input] = [.key(.character("/"))] + ScriptedTerminal.typing("surce:spinnaker status:fail")
            + [.key(.home), .key(.right), .key(.character("o"))]
        var (state, terminal) = run(try makeStore(releaseLines()), width: 80, keys)
        let editing = rows(try XCTUnwrap(terminal.frames.last))[0]
        XCTAssertTrue(editing.hasPrefix("/ source:spinnaker status:fail"), editing)
        let cursor = try XCTUnwrap(terminal.frames.last)
        XCTAssertFalse(cursor[2 + 2, 0].style.isReverse, "the cursor is on the u, drawn unreversed")
        XCTAssertTrue(cursor[2 + 3, 0].style.isReverse)

        (state, _) = run(try makeStore(releaseLines()), [.key(.character("/"))] + ScriptedTerminal.typing("source:spinnaker status:fail")
            + [.key(.control("w")), .key(.enter), .key(.character("q"))])
        XCTAssertEqual(state.filterText, "source:spinnaker ")
        (state, _) = run(try makeStore(releaseLines()), [.key(.character("/"))] + ScriptedTerminal.typing("xsource:spinnaker")
            + [.key(.control("a")), .key(.delete), .key(.control("e")), .key(.left), .key(.backspace), .key(.character("E")), .key(.enter), .key(.character("q"))])
        XCTAssertEqual(state.filterText, "source:spinnakEr")
    }

    func testPastedTextIsTextAndAltKeysMoveByWordsInTheEditor() throws {
        // A pasted line break used to be Enter, and the letters after it commands (q quit).
        var (state, _) = run(try makeStore(releaseLines()), [.key(.character("/")), .key(.paste("source:spinnaker\nq\tx")),
                                                            .key(.enter), .key(.character("q"))])
        XCTAssertEqual(state.filterText, "source:spinnaker q x")
        // Outside an editor a paste does nothing but say so.
        var terminal: ScriptedTerminal
        (state, terminal) = run(try makeStore(releaseLines()), [.key(.paste("qqq"))])
        let status = rows(try XCTUnwrap(terminal.frames.last)).last ?? ""
        XCTAssertTrue(status.hasPrefix(" pasted text is not keys: / opens the filte"), status)
        XCTAssertEqual(state.filterText, "")
        // Alt-B, Alt-F, Alt-Backspace edit; they do not cancel the edit.
        (state, _) = run(try makeStore(releaseLines()), [.key(.character("/"))] + ScriptedTerminal.typing("source:spinnaker status:fail")
            + [.key(.alt("b")), .key(.alt("b")), .key(.alt("f")), .key(.alt("\u{7F}")), .key(.character("X")), .key(.enter), .key(.character("q"))])
        XCTAssertEqual(state.filterText, "X status:fail")
        // Outside the editors, Alt and a key (ESC then the key, sent at once) is Escape, then the key.
        (state, _) = run(try makeStore(releaseLines()), [.key(.enter), .key(.alt("j")), .key(.character("q"))])
        XCTAssertNil(state.overlay, "Escape closed the detail view")
        XCTAssertEqual(state.listScroll.selected, 1, "then j moved down")
    }

    func testTabCompletesTheWordAtTheCursor() throws {
        var (state, _) = run(try makeStore(releaseLines()), [.key(.character("/"))] + ScriptedTerminal.typing("env status:fail")
            + [.key(.alt("b")), .key(.alt("b")), .key(.alt("f")), .key(.tab), .key(.character("p")), .key(.tab), .key(.enter), .key(.character("q"))])
        XCTAssertEqual(state.filterText, "environment:prod status:fail")
        // The export prompt takes a path: Tab offers no tag names there.
        (state, _) = run(try makeStore(releaseLines()), [.key(.character("x")), .key(.clearLine)] + ScriptedTerminal.typing("/tmp/out serv") + [.key(.tab)])
        XCTAssertEqual(state.editor?.text, "/tmp/out serv")
    }

    func testTabCompletesTagKeysAndValues() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(.startFilter)
        state.type("env")
        state.apply(.filterComplete)
        XCTAssertEqual(state.editor?.text, "environment:")
        state.type("p")
        state.apply(.filterComplete)
        XCTAssertEqual(state.editor?.text, "environment:prod ")
        state.type("sour")
        state.apply(.filterComplete)
        XCTAssertEqual(state.editor?.text, "environment:prod source:")
        state.apply(.filterComplete)
        XCTAssertEqual(state.editor?.candidates.count, 5, "several values: listed, not guessed")
    }

    func testABadFilterShowsAnInlineErrorAndKeepsTheEditorOpen() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(.startFilter)
        state.type("since:2x")
        state.apply(.filterApply)
        XCTAssertNotNil(state.editor)
        XCTAssertEqual(state.list.count, 6)
        let top = rows(Screen.render(state))[0]
        XCTAssertTrue(top.contains("'2x' is not a time"), top)
        state.apply(.filterCancel)
        XCTAssertNil(state.editor)
        XCTAssertNil(state.filterError)
    }

    func testFreeTextAndExcludedTags() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(.startFilter)
        state.type("deploy -environment:prod")
        state.apply(.filterApply)
        XCTAssertEqual(state.list.count, 1)
        XCTAssertEqual(state.store.id(state.list[0]), "deploy-staging")
        state.apply(.startFilter)
        state.apply(.filterClear)
        state.type("\"CACHE EVICTION\"")
        state.apply(.filterApply)
        XCTAssertEqual(state.list.count, 1)
        XCTAssertEqual(state.store.id(state.list[0]), "commit-1")
    }

    func testDetailViewShowsEveryFieldAndClosesWithEscape() throws {
        var lines = releaseLines()
        lines[4] = #"{"id": "deploy-prod", "parent_id": "build-1", "source_id": "01ABC", "start_time": "2026-12-01T10:30:00Z", "end_time": "2026-12-01T10:45:00Z", "description": "Deploy svc-a to prod", "detail_urls": {"deploy": "http://deploy/1"}, "tags": {"source": ["spinnaker"], "status": ["fail"], "host": ["h1", "h2"]}}"#
        let (_, terminal) = run(try makeStore(lines), height: 40, [.key(.down), .key(.enter)])
        let text = try XCTUnwrap(terminal.frames.last?.text)
        for expected in ["id           deploy-prod", "parent_id    build-1", "source_id    01ABC", "2026-12-01 10:30:00 UTC",
                         "duration 15m", "deploy       http://deploy/1", "host         h1, h2", "read from    events.jsonl:5"] {
            XCTAssertTrue(text.contains(expected), "missing \(expected) in\n\(text)")
        }
        var state = makeState(try makeStore(lines))
        state.apply([.move(1), .openDetail])
        XCTAssertNotNil(state.overlay)
        state.apply(.closeOverlay)
        XCTAssertNil(state.overlay)
    }

    func testQClosesAnOverlayBeforeQuitting() throws {
        let (state, terminal) = run(try makeStore(releaseLines()), [.key(.character("?")), .key(.character("q"))])
        // The script ran out after closing help: the runner then sends Ctrl-C.
        XCTAssertTrue(state.isQuitting)
        XCTAssertTrue(terminal.frames[1].text.contains("Keys"))
        XCTAssertTrue(terminal.frames[2].text.contains("6 of 6 events"))
        XCTAssertNil(state.overlay)
    }

    func testHelpListsEveryBinding() throws {
        var state = makeState(try makeStore(releaseLines()), width: 100, height: 80)
        state.apply(.showHelp)
        let text = Screen.render(state).text
        for binding in KeyMap.bindings {
            XCTAssertTrue(text.contains(binding.help), "help lacks \(binding.label): \(binding.help)")
        }
    }

    func testDataInjectionNeverReachesACell() throws {
        let hostile = "deploy \u{1B}[2J\u{1B}]52;c;aGVsbG8=\u{07} \u{1B}]8;;http://evil\u{1B}\\link\u{1B}]8;;\u{1B}\\ \u{202E}txt.exe\u{08}\r"
        let store = try makeStore([line("evil\u{1B}[31m", start: "2026-12-01T10:00:00Z", description: hostile, tags: ["source": "x\u{1B}[1m", "status": "fail"])])
        var state = makeState(store, width: 120, height: 30)
        for overlay: Action in [.closeOverlay, .openDetail] {
            state.apply(overlay)
            let canvas = Screen.render(state)
            XCTAssertTrue(canvas.text.contains("\\x1B"), canvas.text)
            for cell in canvas.cells {
                for scalar in cell.text.unicodeScalars {
                    XCTAssertFalse(scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) || scalar.value == 0x202E,
                                   "unsafe scalar U+\(String(scalar.value, radix: 16)) reached the canvas")
                }
            }
        }
    }

    func testWideDescriptionsDoNotShiftColumns() throws {
        let store = try makeStore([
            line("a", start: "2026-12-01T10:00:00Z", description: "修复登录问题 デプロイ完了 배포 완료 🚀 👩‍💻 🇺🇸 café ok", tags: ["source": "x", "status": "success"]),
            line("b", start: "2026-12-01T09:00:00Z", description: "plain", tags: ["source": "y", "status": "success"]),
        ])
        let canvas = Screen.render(makeState(store, width: 70, height: 12))
        for y in 2...3 {
            var cells = 0
            for x in 0..<canvas.width { cells += canvas[x, y].isContinuation ? 0 : max(1, DisplayWidth.of(canvas[x, y].text)) }
            XCTAssertEqual(cells, 70, "row \(y) has exactly the canvas width in cells")
        }
        XCTAssertEqual(canvas.rowText(2), "▶12-01 10:00:00 0s     success x          修复登录问题 デプロイ完了 …")
        XCTAssertEqual(canvas.rowText(3), " 12-01 09:00:00 0s     success y          plain")
    }

    func testNewStoreKeepsTheSelectionAndFilter() throws {
        var state = makeState(try makeStore(releaseLines()))
        state.apply(.startFilter)
        state.type("svc-a")
        state.apply([.filterApply, .move(1)])
        XCTAssertEqual(state.list.count, 3, "the three events whose description names svc-a")
        XCTAssertEqual(state.store.id(state.selectedRecord!), "deploy-staging")
        var more = releaseLines()
        more.append(line("deploy-canary", parent: "build-1", start: "2026-12-01T10:40:00Z", description: "Deploy svc-a to canary", tags: ["source": "spinnaker"]))
        state.replaceStore(try makeStore(more), isLoading: false)
        XCTAssertEqual(state.filterText, "svc-a")
        XCTAssertEqual(state.list.count, 4)
        XCTAssertEqual(state.store.id(state.selectedRecord!), "deploy-staging")
    }
}

/// Following the files: new events arrive without moving what the user is looking at.
final class FollowTests: XCTestCase {
    func testArrivingEventsAreMarkedNewAndTheSelectionStaysPut() throws {
        var state = makeState(try makeStore(releaseLines()), width: 80, height: 16)
        state.apply(.move(2))
        let before = rows(Screen.render(state))
        XCTAssertTrue(before[4].hasPrefix("▶"))
        var more = releaseLines()
        more.append(line("hotfix-1", start: "2026-12-01T12:00:00Z", description: "Hotfix svc-a", tags: ["source": "github", "status": "success"]))
        state.replaceStore(try makeStore(more), isLoading: false, newIDs: ["hotfix-1"])
        let after = rows(Screen.render(state))
        XCTAssertEqual(state.store.id(state.selectedRecord!), "host-1", "the same event stays selected")
        // The top of the list was in sight: the newest event pushes in at the top, in sight too.
        XCTAssertTrue(after[2].hasPrefix("+") && after[2].contains("Hotfix svc-a"), after.joined(separator: "\n"))
        XCTAssertEqual(after[5], "▶" + before[4].dropFirst(), "the selection moved down with its event")
        XCTAssertTrue(after[15].contains("1 new (rows marked +)"), after[15])
        state.apply(.first)
        XCTAssertTrue(state.newIDs.isEmpty, "looking at an event clears its mark")
        state.apply(.toggleFollow)
        XCTAssertFalse(state.isFollowing)
        XCTAssertTrue(rows(Screen.render(state))[15].contains("paused (f follows)"))
    }

    func testScrolledDownTheSelectedRowStaysOnItsScreenRow() throws {
        var lines = releaseLines()
        for k in 0..<40 {
            lines.append(line("old-\(k)", start: "2026-11-20T10:\(10 + k):00Z", description: "old work \(k)", tags: ["source": "chef"]))
        }
        var state = makeState(try makeStore(lines), width: 80, height: 16)
        state.apply(.move(30))
        let before = rows(Screen.render(state))
        let selectedRow = before.firstIndex { $0.hasPrefix("▶") }!
        lines.append(line("hotfix-1", start: "2026-12-01T12:00:00Z", description: "Hotfix svc-a", tags: ["source": "github"]))
        let selectedID = state.store.id(state.selectedRecord!)
        state.replaceStore(try makeStore(lines), isLoading: false, newIDs: ["hotfix-1"])
        let after = rows(Screen.render(state))
        XCTAssertEqual(state.store.id(state.selectedRecord!), selectedID)
        XCTAssertEqual(after[selectedRow], before[selectedRow], "scrolled down, the selected event keeps its screen row")
    }
}
