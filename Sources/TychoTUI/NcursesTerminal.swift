import CNcurses
import Foundation
import TychoScreen

/// The handlers that were installed before the crash guard, by signal number.
nonisolated(unsafe) var crashPreviousActions = [Glibc.sigaction](repeating: Glibc.sigaction(), count: 32)

/// The one place that talks to ncurses: keys in, canvases out.
final class NcursesTerminal: Terminal {
    /// Why the terminal could not be opened.
    struct Unavailable: Error {
        let message: String
    }

    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private let hasColors: Bool
    /// Whether the locale writes UTF-8. Under LANG=C (common over SSH) ncurses draws every
    /// line, mark and non-ASCII letter as `?`; the browser says so instead of looking broken.
    let isUTF8: Bool
    private(set) var width: Int
    private(set) var height: Int

    init(environment: [String: String]) throws(Unavailable) {
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty else { throw Unavailable(message: "TERM is not set, so the terminal type is unknown; set it (e.g. TERM=xterm-256color) or use the query commands (tycho --help)") }
        guard term != "dumb" else { throw Unavailable(message: "TERM=dumb cannot show a full-screen browser; use a real terminal or the query commands (tycho --help)") }
        setlocale(LC_ALL, "")
        isUTF8 = String(cString: nl_langinfo(nl_item(CODESET))) == "UTF-8"
        // newterm, unlike initscr, returns nil on an unknown TERM instead of exiting.
        guard let screen = newterm(nil, CNcurses_stdout(), CNcurses_stdin()) else {
            throw Unavailable(message: "unknown terminal type '\(term)'; set TERM to one this machine knows (e.g. xterm-256color)")
        }
        self.screen = screen
        guard let window = CNcurses_stdscr() else {
            endwin()
            delscreen(screen)
            throw Unavailable(message: "could not open the screen")
        }
        self.window = window
        cbreak()  // Ctrl-C and Ctrl-Z stay signals: SIGINT quits, SIGTSTP suspends and ncurses redraws on fg
        noecho()
        nonl()
        keypad(window, true)
        set_escdelay(25)
        curs_set(0)
        hasColors = has_colors() && environment["NO_COLOR"].map(\.isEmpty) ?? true
        if hasColors {
            start_color()
            use_default_colors()
            for (pair, color) in [(1, COLOR_RED), (2, COLOR_GREEN), (3, COLOR_YELLOW), (4, COLOR_BLUE), (5, COLOR_MAGENTA), (6, COLOR_CYAN)] {
                init_pair(Int16(pair), Int16(color), -1)
            }
        }
        width = Int(CNcurses_cols())
        height = Int(CNcurses_lines())
        fputs(Self.pasteOn, CNcurses_stdout())
        fflush(CNcurses_stdout())
    }

    /// On a crash, gives the terminal back before the crash report is printed: the handlers
    /// restore the terminal, put back the handlers that were there (the Swift runtime's
    /// backtracer), and let the fault happen again under them.
    static func installCrashGuard() {
        for signalNumber in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            var guardAction = Glibc.sigaction()
            guardAction.__sigaction_handler.sa_handler = { signalNumber in
                _ = write(1, "\u{1B}[?2004l", 8)  // bracketed paste off (write is signal-safe)
                endwin()
                if signalNumber >= 0 && signalNumber < 32 {
                    var previous = crashPreviousActions[Int(signalNumber)]
                    sigaction(signalNumber, &previous, nil)
                }
                raise(signalNumber)  // delivered to the restored handler once this one returns
            }
            sigemptyset(&guardAction.sa_mask)
            guardAction.sa_flags = 0
            var previous = Glibc.sigaction()
            sigaction(signalNumber, &guardAction, &previous)
            crashPreviousActions[Int(signalNumber)] = previous
        }
    }

    /// Bracketed paste: the terminal marks pasted text, so a pasted newline is not Enter.
    static let pasteOn = "\u{1B}[?2004h", pasteOff = "\u{1B}[?2004l"

    /// Gives the terminal back as it was.
    func close() {
        fputs(Self.pasteOff, CNcurses_stdout())
        endwin()
        delscreen(screen)
    }

    func nextInput(timeoutMilliseconds: Int) -> Input? {
        wtimeout(window, Int32(timeoutMilliseconds))
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        if result == CNcurses_ERR() { return nil }
        if result == CNcurses_KEY_CODE_YES() {
            switch Int32(character) {
            case CNcurses_KEY_RESIZE():
                width = Int(CNcurses_cols())
                height = Int(CNcurses_lines())
                return .resize(width: width, height: height)
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_BTAB: return .key(.backTab)
            case KEY_DC: return .key(.delete)
            case KEY_F0 + 1...KEY_F0 + 12: return .key(.function(Int(Int32(character) - KEY_F0)))
            default: return nil
            }
        }
        switch character {
        case 3: return .key(.interrupt)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 21: return .key(.clearLine)
        case 27: return escapeSequence().key.map(Input.key)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.control(Character(Unicode.Scalar(UInt8(character) + 0x60))))
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    /// Reads what follows an ESC ncurses did not decode (see `EscapeSequence`): only bytes
    /// already waiting, so a lone Escape is not delayed.
    private func escapeSequence() -> EscapeSequence.Decoded {
        let decoded = EscapeSequence.decode { waitForMore in
            wtimeout(window, waitForMore ? 100 : 0)
            var character: wint_t = 0
            let result = wget_wch(window, &character)
            if result == CNcurses_KEY_CODE_YES() {
                ungetch(Int32(character))  // a key or resize that came in between: read it next
                return nil
            }
            return result == CNcurses_ERR() ? nil : Unicode.Scalar(UInt32(character))
        }
        if let pushedBack = decoded.pushedBack { unget_wch(wchar_t(pushedBack.value)) }
        return decoded
    }

    func present(_ canvas: Canvas) {
        if canvas.width != width || canvas.height != height { werase(window) }
        for y in 0..<min(canvas.height, height) {
            for x in 0..<min(canvas.width, width) {
                let cell = canvas[x, y]
                if cell.isContinuation { continue }
                put(cell, x: x, y: y)
            }
        }
        wrefresh(window)
    }

    /// Draws one cell. The canvas measured the text in Swift; if the C library would measure
    /// it differently, the base character is drawn and padded instead, so columns never shift.
    private func put(_ cell: Cell, x: Int, y: Int) {
        let expected = max(1, DisplayWidth.of(cell.text))
        var characters: [wchar_t] = []
        var measured = 0
        for scalar in cell.text.unicodeScalars {
            let cWidth = Int(CNcurses_wcwidth(wchar_t(scalar.value)))
            if characters.isEmpty {
                guard cWidth > 0 else { break }
                characters.append(wchar_t(scalar.value))
                measured = cWidth
            } else if cWidth == 0 && characters.count < 4 && !(0x200D == scalar.value) {
                characters.append(wchar_t(scalar.value))  // combining marks and variation selectors
            } else {
                break
            }
        }
        if characters.isEmpty || measured > expected {
            characters = [wchar_t(UInt8(ascii: "?"))]
            measured = 1
        }
        var attributes = attributes(for: cell.style)
        var pair: Int16 = 0
        if let color = cell.style.foreground {
            if hasColors {
                pair = colorPair(color)
            } else {
                attributes |= CNcurses_A_BOLD() | CNcurses_A_UNDERLINE()
            }
        }
        characters.append(0)
        var complex = cchar_t()
        setcchar(&complex, characters, attributes, pair, nil)
        mvwadd_wch(window, Int32(y), Int32(x), &complex)
        // Pad what the C library draws narrower than the canvas expects.
        if measured < expected {
            var blank = cchar_t()
            setcchar(&blank, [wchar_t(32), 0], attributes, pair, nil)
            for k in measured..<expected { mvwadd_wch(window, Int32(y), Int32(x + k), &blank) }
        }
    }

    /// OSC 52, written around ncurses straight to the terminal. Inside tmux it goes twice: plain,
    /// which tmux takes into its buffer (set-clipboard) and passes on, and wrapped in a
    /// passthrough sequence for a tmux that allows passthrough. tmux's default (set-clipboard
    /// external, passthrough off) drops both, so the text also goes into tmux's buffer with
    /// `load-buffer -w`, which reaches the outer terminal under that default too.
    func copyToClipboard(_ text: String) -> String {
        let plain = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        var sequence = plain
        let isInTmux = ProcessInfo.processInfo.environment["TMUX"] != nil
        if isInTmux {
            sequence += "\u{1B}Ptmux;" + plain.replacingOccurrences(of: "\u{1B}", with: "\u{1B}\u{1B}") + "\u{1B}\\"
        }
        fputs(sequence, CNcurses_stdout())
        fflush(CNcurses_stdout())
        guard isInTmux else { return "OSC 52" }
        if Self.tmux(["load-buffer", "-w", "-"], input: text) != nil {
            let setting = Self.tmux(["show-options", "-gv", "set-clipboard"]) ?? ""
            return setting.hasPrefix("off") ? "tmux's buffer only: its set-clipboard is off" : "tmux's buffer and OSC 52"
        }
        // tmux before 3.2 has no -w: its buffer at least (prefix ] pastes it).
        if Self.tmux(["load-buffer", "-"], input: text) != nil { return "tmux's buffer and OSC 52" }
        return "OSC 52; tmux passes it on only with set -g set-clipboard on"
    }

    /// Runs the tmux client (it finds its server through $TMUX) with `input` on its standard
    /// input; what it printed, or nil if it failed. Nothing of it reaches the screen.
    private static func tmux(_ arguments: [String], input: String = "") -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux"] + arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: output, as: UTF8.self) : nil
    }

    private func attributes(for style: Style) -> attr_t {
        var attributes = CNcurses_A_NORMAL()
        if style.isBold { attributes |= CNcurses_A_BOLD() }
        if style.isReverse { attributes |= CNcurses_A_REVERSE() }
        if style.isDim { attributes |= CNcurses_A_DIM() }
        if style.isUnderline { attributes |= CNcurses_A_UNDERLINE() }
        return attributes
    }

    private func colorPair(_ color: Color) -> Int16 {
        switch color {
        case .red: 1
        case .green: 2
        case .yellow: 3
        case .blue: 4
        case .magenta: 5
        case .cyan: 6
        }
    }
}
