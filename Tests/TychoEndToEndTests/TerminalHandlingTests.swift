import Foundation
import XCTest

/// How tycho starts and stops on real and unsuitable terminals: every way out restores the
/// terminal, and a terminal it cannot use gets a message instead of a drawing.
final class TerminalHandlingTests: TmuxTestCase {
    func openExamples() throws -> TmuxSession {
        let session = try startTycho()
        try session.waitUntil("the example data is loaded") { $0.contains("1,165 of 1,165 events") && !$0.contains("loading") }
        return session
    }

    func testCtrlCQuitsWithStatusZero() throws {
        let session = try openExamples()
        try session.sendKeys("C-c")
        try assertTerminalRestored(session, status: 0)
    }

    func testCtrlCQuitsFromAnOverlayAndWhileEditingTheFilter() throws {
        let session = try openExamples()
        try session.type("?")
        try session.waitFor(" Keys")
        try session.sendKeys("C-c")
        try assertTerminalRestored(session, status: 0)

        let editing = try openExamples()
        try editing.type("/source:")
        try editing.waitFor("/ source:█")
        try editing.sendKeys("C-c")
        try assertTerminalRestored(editing, status: 0)
    }

    /// tmux sends Home as `ESC [ 1 ~` while the xterm-256color entry says `ESC O H`: ncurses
    /// passes such sequences on byte by byte, and `[` used to zoom the view and `~` to be typed.
    func testKeySequencesTheTerminfoEntryDoesNotListAreStillTheirKeys() throws {
        let session = try openExamples()
        let escape: UInt8 = 0x1B, bracket: UInt8 = 0x5B, tilde: UInt8 = 0x7E
        try session.sendKeys("G")
        let bottom = try BrowserScreen(session.waitUntil("the last row is selected") { (try? BrowserScreen($0).listRows.last?.hasPrefix("▶")) == true })
        try session.sendKeys("g")
        let first = try BrowserScreen(session.waitUntil("the first row is selected") { (try? BrowserScreen($0).listRows.first?.hasPrefix("▶")) == true })
        try session.sendKeys("j", "j")
        try session.waitUntil("the third row is selected") { (try? BrowserScreen($0).listRows.dropFirst(2).first?.hasPrefix("▶")) == true }

        try session.sendBytes([escape, bracket, 0x31, tilde])  // Home
        let top = try BrowserScreen(session.waitUntil("the first row is selected") { (try? BrowserScreen($0).listRows.first?.hasPrefix("▶")) == true })
        XCTAssertEqual(top.listRows, first.listRows)
        XCTAssertEqual(top.filterBar, first.filterBar, "the sequence changed the filter")

        try session.sendBytes([escape, bracket, 0x34, tilde])  // End
        let end = try BrowserScreen(session.waitUntil("the last row is selected") { (try? BrowserScreen($0).listRows.last?.hasPrefix("▶")) == true })
        XCTAssertEqual(end.listRows, bottom.listRows)
        XCTAssertEqual(end.filterBar, bottom.filterBar)

        // In the filter editor they move the cursor and delete, typing nothing; Escape still cancels.
        try session.type("/source:")
        try session.waitFor("/ source:█")
        try session.sendBytes([escape, bracket, 0x31, tilde, escape, bracket, 0x33, tilde, escape, 0x4F, 0x48])  // Home, Delete, Home
        try session.type("x")
        try session.waitFor("/ xource:")
        try session.sendBytes([escape, bracket, 0x34, tilde])  // End
        try session.type("y")
        try session.waitFor("/ xource:y█")
        try session.sendKeys("Escape")
        let cancelled = try BrowserScreen(session.waitForAbsence(of: "xource:y"))
        XCTAssertEqual(cancelled.filterBar, bottom.filterBar)
    }

    /// Under LANG=C ncurses draws every line and mark as `?`: the browser says why and what to set.
    func testALocaleThatIsNotUTF8IsNamedWithTheFix() throws {
        let session = try startTycho(environment: ["LC_ALL": nil, "LC_CTYPE": nil, "LANG": "C"])
        let screen = try session.waitFor("the locale C is not UTF-8")
        XCTAssertTrue(screen.contains("set LANG=C.UTF-8"), framed(screen))
        XCTAssertTrue(screen.contains("1,165 of 1,165 events"), framed(screen))

        let utf8 = try startTycho()
        let fine = try utf8.waitFor("1,165 of 1,165 events")
        XCTAssertFalse(fine.contains("UTF-8"), framed(fine))
    }

    /// A paste with a line break used to type Enter and then run the rest as keys (q quit).
    func testAPasteIntoTheFilterIsTextNotKeys() throws {
        let session = try openExamples()
        _ = try session.run(["set-buffer", "status:fail\nq"])
        try session.type("/")
        try session.waitFor("/ █")
        _ = try session.run(["paste-buffer", "-p", "-t", session.target])  // -p: bracketed, as a terminal pastes
        try session.waitFor("/ status:fail q█")
        try session.sendKeys("C-u")
        try session.type("status:fail")
        try session.sendKeys("Enter")
        let applied = try session.waitFor("filter: status:fail")
        XCTAssertTrue(applied.contains("of 1,165 events"), framed(applied))
        // Alt-F (ESC f at once) outside the editor is Escape then f: following pauses, as before.
        try session.sendBytes([0x1B, 0x66])
        try session.waitFor("paused (f follows)")
        try session.sendKeys("C-c")
        try assertTerminalRestored(session, status: 0)
    }

    func testSIGTERMRestoresTheTerminal() throws {
        let session = try openExamples()
        let pid = try session.programPID(executable: try TychoBinary.path())
        XCTAssertEqual(kill(pid, SIGTERM), 0)
        try assertTerminalRestored(session, status: 128 + Int(SIGTERM))
    }

    func testSIGHUPRestoresTheTerminal() throws {
        let session = try openExamples()
        // In the middle of something: an overlay open.
        try session.type("!")
        try session.waitFor(" Lines that could not be read")
        let pid = try session.programPID(executable: try TychoBinary.path())
        XCTAssertEqual(kill(pid, SIGHUP), 0)
        try assertTerminalRestored(session, status: 128 + Int(SIGHUP))
    }

    func testSuspendAndResumeInAJobControlShell() throws {
        // An interactive shell, so Ctrl-Z stops the job and `fg` brings it back.
        let shell = try TmuxSession(server: uniqueServerName(), width: 100, height: 30,
                                    command: "env PS1='PROMPT$ ' bash --norc --noprofile -i")
        defer { shell.kill() }
        try shell.waitFor("PROMPT$")
        try shell.type(try TychoBinary.commandLine(["--data", TychoBinary.exampleData]))
        try shell.sendKeys("Enter")
        try shell.waitUntil("the example data is loaded") { $0.contains("1,165 of 1,165 events") && !$0.contains("loading") }
        try shell.sendKeys("g", "j", "j")
        let before = try BrowserScreen(shell.waitUntil("the third row is selected") { (try? BrowserScreen($0).listRows.dropFirst(2).first?.hasPrefix("▶")) == true })

        try shell.sendKeys("C-z")
        let stopped = try shell.waitFor("Stopped")
        XCTAssertFalse(stopped.contains("TIME (UTC)"), framed(stopped))
        XCTAssertEqual(try shell.format("#{alternate_on}#{cursor_flag}"), "01", "the terminal is not restored while suspended")

        try shell.type("fg")
        try shell.sendKeys("Enter")
        let resumed = try BrowserScreen(shell.waitUntil("the browser is redrawn") { isComplete($0, width: 100, height: 30) })
        XCTAssertEqual(resumed.selectedRow, before.selectedRow, "the selection changed across suspend and resume")
        XCTAssertEqual(resumed.treeTitle, before.treeTitle)
        XCTAssertEqual(try shell.format("#{alternate_on}#{cursor_flag}"), "10")

        try shell.type("q")
        try shell.waitForAbsence(of: "TIME (UTC)")
        try shell.type("echo rc=$?")
        try shell.sendKeys("Enter")
        try shell.waitFor("rc=0")
        XCTAssertEqual(try shell.format("#{alternate_on}#{cursor_flag}#{keypad_cursor_flag}"), "010")
    }

    func testRapidResizingWhileScrollingEndsOnACorrectScreen() throws {
        let session = try openExamples()
        for (width, height) in [(80, 24), (20, 5), (400, 120), (41, 10), (39, 9), (200, 60), (100, 30)] {
            try session.resize(width: width, height: height)
            try session.sendKeys("j", "NPage", "k")
        }
        try session.sendKeys("G")
        try session.resize(width: 120, height: 35)
        let text = try session.waitUntil("the last event is selected at 120×35") { isComplete($0, width: 120, height: 35) && (try? BrowserScreen($0).selectedRow?.contains("user-commit-hash")) == true }
        let screen = try BrowserScreen(text)
        XCTAssertTrue(screen.filterBar.hasSuffix("1,165 of 1,165 events"), screen.filterBar)
        XCTAssertEqual(screen.listRows.last, screen.selectedRow, "the last event is not on the last list row")
        XCTAssertTrue(screen.treeTitle.hasPrefix("── tree of user-commit-hash"), screen.treeTitle)
        XCTAssertEqual(cellWidth(screen.treeTitle), 120)
        XCTAssertTrue(screen.status.hasSuffix("q quit"), screen.status)
        XCTAssertFalse(text.contains("too small"))
        XCTAssertFalse(text.contains("EXITED"))
    }

    /// Runs tycho on a terminal it must refuse and checks it says why, exits 2, and writes no
    /// escape sequence at all (the terminal is left untouched).
    func assertRefused(environment: [String: String?], message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let output = try temporaryDirectory("refused").path + "/output.bin"
        let session = try startTycho(environment: environment, isGated: true)
        try session.recordOutput(to: output)
        try session.release()
        let screen = try session.waitFor("EXITED rc=")
        try session.stopRecording()
        XCTAssertTrue(screen.contains("EXITED rc=2"), framed(screen), file: file, line: line)
        XCTAssertTrue(screen.contains(message), "no message with \(quoted(message)):\n\(framed(screen))", file: file, line: line)
        XCTAssertTrue(screen.contains("tycho: "), framed(screen), file: file, line: line)
        XCTAssertEqual(try session.format("#{alternate_on}"), "0", file: file, line: line)
        let bytes = try waitForFile(output) { $0.containsBytes(Array("EXITED".utf8)) }
        XCTAssertFalse(bytes.contains(0x1B), "escape sequences were written: \(String(decoding: bytes, as: UTF8.self).debugDescription)", file: file, line: line)
    }

    func testUnsetTERMIsRefusedWithAMessage() throws {
        try assertRefused(environment: ["TERM": nil], message: "TERM is not set")
    }

    func testDumbTERMIsRefusedWithAMessage() throws {
        try assertRefused(environment: ["TERM": "dumb"], message: "TERM=dumb")
    }

    func testUnknownTERMIsRefusedWithAMessage() throws {
        try assertRefused(environment: ["TERM": "no-such-terminal-xyz"], message: "no-such-terminal-xyz")
    }

    func testNotATerminalPointsAtTheQueryCommands() throws {
        // `tycho --data D < /dev/null | cat`: neither end is a terminal.
        let result = try ProcessRunner.run(try TychoBinary.path(), ["--data", TychoBinary.exampleData],
                                           environment: ["TERM": "xterm-256color"], standardInput: "/dev/null")
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.standardOutput, "")
        XCTAssertTrue(result.standardError.contains("needs a terminal"), result.standardError)
        for command in ["tycho query", "get", "check"] {
            XCTAssertTrue(result.standardError.contains(command), "the message does not name \(command): \(result.standardError)")
        }
        XCTAssertFalse(result.standardError.contains("\u{1B}"))
    }

    func testMissingDataDirectoryIsAOneLineError() throws {
        let missing = "/nonexistent/tycho-e2e-\(UUID().uuidString.prefix(8))"
        let session = try startTycho(["--data", missing])
        let screen = try session.waitFor("EXITED rc=")
        let lines = screen.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, "expected one error line, then the exit marker:\n\(framed(screen))")
        XCTAssertTrue(lines[0].hasPrefix("tycho: ") && lines[0].contains(missing), lines[0])
        XCTAssertEqual(lines.last, "EXITED rc=1")
        XCTAssertEqual(try session.format("#{alternate_on}"), "0")

        // Neither --data nor TYCHO_DATA: one line saying how to give one.
        let unset = try startTycho([], environment: ["TYCHO_DATA": nil])
        let usage = try unset.waitFor("EXITED rc=")
        XCTAssertTrue(usage.contains("--data") && usage.contains("TYCHO_DATA"), framed(usage))
        XCTAssertTrue(usage.contains("EXITED rc=2"), framed(usage))
    }

    func testNoColorStillMarksFailures() throws {
        for noColor in [false, true] {
            let session = try startTycho(environment: noColor ? ["NO_COLOR": "1"] : [:])
            try session.waitFor("1,165 of 1,165 events")
            try session.type("/status:fail")
            try session.sendKeys("Enter")
            let plain = try BrowserScreen(session.waitFor("17 of 1,165 events"))
            let rows = try session.screenWithAttributes().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // The second list row: a failure that is not selected, so only its failure styling shows.
            let failure = rows[plain.headerIndex + 2]
            XCTAssertEqual(plain.column("STATUS", of: plain.listRows[1]), "fail")
            let sequences = sgrParameters(in: failure)
            if noColor {
                XCTAssertFalse(sequences.contains { $0.contains(31) || $0.contains(38) || $0.contains(91) }, "colour despite NO_COLOR: \(failure.debugDescription)")
                XCTAssertTrue(sequences.contains { $0.contains(1) } && sequences.contains { $0.contains(4) },
                              "a failure is not marked by bold and underline without colour: \(failure.debugDescription)")
            } else {
                XCTAssertTrue(sequences.contains { $0.contains(31) || $0.contains(91) || $0 == [38, 5, 1] }, "a failure is not red: \(failure.debugDescription)")
            }
            // A successful row has no failure marking.
            try session.type("/")
            try session.sendKeys("C-u")
            try session.type("status:success")
            try session.sendKeys("Enter")
            let successes = try BrowserScreen(session.waitFor(" filter: status:success"))
            let success = try session.screenWithAttributes().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[successes.headerIndex + 2]
            XCTAssertFalse(sgrParameters(in: success).contains { $0.contains(4) || $0.contains(31) }, success.debugDescription)
            session.kill()
        }
    }
}

/// The parameter lists of the SGR sequences (`ESC [ ... m`) in a captured row.
func sgrParameters(in row: String) -> [[Int]] {
    var result: [[Int]] = []
    var rest = Substring(row)
    while let start = rest.range(of: "\u{1B}[") {
        rest = rest[start.upperBound...]
        guard let end = rest.firstIndex(where: { !($0.isNumber || $0 == ";") }) else { break }
        if rest[end] == "m" { result.append(rest[..<end].split(separator: ";").compactMap { Int($0) }) }
        rest = rest[end...]
    }
    return result
}

/// Waits until the file at `path` holds bytes for which `condition` holds; returns them.
func waitForFile(_ path: String, timeout: TimeInterval = TmuxSession.defaultTimeout, _ condition: ([UInt8]) -> Bool) throws -> [UInt8] {
    let deadline = Date().addingTimeInterval(timeout)
    var bytes: [UInt8] = []
    while true {
        bytes = (FileManager.default.contents(atPath: path).map { [UInt8]($0) }) ?? []
        if condition(bytes) { return bytes }
        if Date() >= deadline { break }
        Thread.sleep(forTimeInterval: TmuxSession.pollInterval)
    }
    throw EndToEndFailure(description: "timed out waiting for \(path); it holds \(bytes.count) bytes")
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes.
    func containsBytes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
