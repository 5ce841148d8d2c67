import Foundation
import XCTest

/// Why an end-to-end step failed: what was expected and, when there is one, the screen.
struct EndToEndFailure: Error, CustomStringConvertible {
    let description: String
}

/// One program running in a pane of a detached tmux server of its own (`tmux -L name`), so
/// tests never share a server. Keys go in with `send-keys`, the screen comes out with
/// `capture-pane`, and every wait polls the screen (never a fixed sleep).
///
/// The pane runs `PROGRAM; echo EXITED rc=$?; sleep 30`, so the exit status and whatever the
/// program left on the terminal stay visible after it quits.
final class TmuxSession {
    /// How often a wait looks at the screen again.
    static let pollInterval: TimeInterval = 0.05
    /// How long a wait lasts before it fails.
    static let defaultTimeout: TimeInterval = 8

    let server: String
    let target = "T"
    private let tmux: String
    private var isKilled = false
    /// The server's socket: tmux leaves it behind after kill-server, so `kill()` removes it.
    private var socketPath: String?

    /// Starts `command` (a shell command line) in a `width`×`height` pane. With `isGated`, the
    /// pane first waits for Enter (see `release()`), so `recordOutput(to:)` can be in place
    /// before the program writes its first byte.
    init(server: String, width: Int, height: Int, command: String, isGated: Bool = false) throws {
        self.tmux = try TmuxSession.findTmux()
        self.server = server
        let gate = isGated ? "read _; " : ""
        try run(["-f", "/dev/null", "new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)",
                 "\(gate)\(command); echo EXITED rc=$?; sleep 30"])
        socketPath = try? format("#{socket_path}")
    }

    deinit { kill() }

    /// Lets a gated pane start its program.
    func release() throws { try sendKeys("Enter") }

    // MARK: - Keys

    /// Types `text` literally (`send-keys -l`).
    func type(_ text: String) throws { try run(["send-keys", "-t", target, "-l", "--", text]) }

    /// Sends named keys (`Enter`, `Escape`, `Tab`, `C-c`, `NPage`, ...), one after another.
    func sendKeys(_ keys: String...) throws { try run(["send-keys", "-t", target] + keys) }

    /// Sends exact bytes (`send-keys -H`) in one write: a key sequence as a terminal sends it.
    func sendBytes(_ bytes: [UInt8]) throws {
        try run(["send-keys", "-t", target, "-H"] + bytes.map { String($0, radix: 16) })
    }

    // MARK: - Screen

    /// The visible screen as text, one line per row (tmux trims trailing spaces).
    func screen() throws -> String { try capture(["-p"]) }

    /// The visible screen with attributes as SGR escape sequences (`capture-pane -e`).
    func screenWithAttributes() throws -> String { try capture(["-p", "-e"]) }

    /// capture-pane ends every row with a newline; without the last one, rows split cleanly.
    private func capture(_ options: [String]) throws -> String {
        var text = try run(["capture-pane"] + options + ["-t", target])
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The screen's rows, exactly `height` of them.
    func rows() throws -> [String] {
        try screen().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// A tmux format evaluated for the pane (`#{alternate_on}`, `#{cursor_flag}`, `#{pane_pid}`).
    func format(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", target, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the screen contains `text`; returns that screen.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = defaultTimeout) throws -> String {
        try waitUntil("the screen shows \(quoted(text))", timeout: timeout) { $0.contains(text) }
    }

    /// Waits until the screen no longer contains `text`; returns that screen.
    @discardableResult
    func waitForAbsence(of text: String, timeout: TimeInterval = defaultTimeout) throws -> String {
        try waitUntil("the screen no longer shows \(quoted(text))", timeout: timeout) { !$0.contains(text) }
    }

    /// Waits until `condition` holds for the screen, on two captures in a row that are the
    /// same (ncurses sends a large update in several writes, so one capture can catch it half
    /// drawn); returns that screen. On timeout the error carries the last screen.
    @discardableResult
    func waitUntil(_ what: String, timeout: TimeInterval = defaultTimeout, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        var previousMatch: String?
        while true {
            last = try screen()
            if condition(last) {
                if last == previousMatch { return last }
                previousMatch = last
            } else {
                previousMatch = nil
            }
            if Date() >= deadline { break }
            Thread.sleep(forTimeInterval: Self.pollInterval)
        }
        throw EndToEndFailure(description: "timed out after \(timeout) s waiting until \(what); the screen was:\n\(framed(last))")
    }

    // MARK: - Terminal

    /// Resizes the window (the program gets SIGWINCH).
    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Appends every byte the program writes to the file at `path` (`pipe-pane -o`).
    func recordOutput(to path: String) throws {
        try run(["pipe-pane", "-t", target, "-o", "cat >> \(shellQuoted(path))"])
    }

    /// Stops recording (tmux closes the pipe, so `cat` writes out what it has).
    func stopRecording() throws { try run(["pipe-pane", "-t", target]) }

    /// The pid of the program in the pane: the child of the pane's shell running `executable`.
    func programPID(executable: String, timeout: TimeInterval = defaultTimeout) throws -> pid_t {
        let shell = try format("#{pane_pid}")
        guard let shellPID = pid_t(shell) else { throw EndToEndFailure(description: "tmux gave no pane pid: \(quoted(shell))") }
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let pid = ProcessTable.child(of: shellPID, named: name) { return pid }
            Thread.sleep(forTimeInterval: Self.pollInterval)
        }
        throw EndToEndFailure(description: "no process \(name) under the pane's shell (pid \(shellPID))")
    }

    /// Kills the whole tmux server (safe to call twice).
    func kill() {
        guard !isKilled else { return }
        isKilled = true
        _ = try? run(["kill-server"])
        if let socketPath, !socketPath.isEmpty { unlink(socketPath) }
    }

    // MARK: - Running tmux

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run(tmux, ["-L", server] + arguments, environment: ["LC_ALL": "C.UTF-8"])
        guard result.status == 0 else {
            throw EndToEndFailure(description: "tmux \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.standardError)")
        }
        return result.standardOutput
    }

    /// tmux from the PATH, or a failure saying to install it (the tests need it; CI installs it).
    static func findTmux() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/tmux"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw EndToEndFailure(description: "tmux is not installed, and the end-to-end tests drive tycho in tmux: install it (apt-get install tmux, or `make deps`); CI installs it")
    }
}

/// Where the `tycho` binary under test is: `$TYCHO_BIN`, else `.build/debug/tycho` in the repo.
enum TychoBinary {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let exampleData = repositoryRoot + "/examples/events"

    /// The binary's path, or a failure saying how to build it (never a skip: CI must run these).
    static func path() throws -> String {
        let configured = ProcessInfo.processInfo.environment["TYCHO_BIN"].flatMap { $0.isEmpty ? nil : $0 }
        let path = configured ?? repositoryRoot + "/.build/debug/tycho"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw EndToEndFailure(description: "no tycho binary at \(path): run `swift build` first (`make test` does), or set TYCHO_BIN to the binary to test")
        }
        return path
    }

    /// A shell command line running tycho with `arguments`, `TERM=xterm-256color` and a UTF-8
    /// locale, plus `environment` (a nil value unsets the variable). What the caller's own
    /// environment could change is unset: colours (`NO_COLOR`) and the size (`COLUMNS`, `LINES`,
    /// which ncurses would believe over the terminal).
    static func commandLine(_ arguments: [String], environment: [String: String?] = [:]) throws -> String {
        var settings: [String: String?] = ["TERM": "xterm-256color", "LC_ALL": "C.UTF-8", "NO_COLOR": nil, "COLUMNS": nil, "LINES": nil]
        settings.merge(environment) { _, new in new }
        // env takes its -u options before any NAME=VALUE.
        let sorted = settings.sorted { $0.key < $1.key }
        var words = ["env"]
        for (name, value) in sorted where value == nil { words += ["-u", name] }
        for (name, value) in sorted { if let value { words.append("\(name)=\(shellQuoted(value))") } }
        words.append(shellQuoted(try path()))
        words += arguments.map(shellQuoted)
        return words.joined(separator: " ")
    }
}

/// Runs a program to completion and collects its output. It uses `posix_spawn` and `waitpid`
/// rather than Foundation's `Process`, which on Linux can miss the exit of a short-lived child
/// (the tmux client that forks the server) and wait forever.
enum ProcessRunner {
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// Runs `executable` with `arguments`, its standard input read from `standardInput`;
    /// `environment` is added to this process's own. Output goes through temporary files, so
    /// a large output cannot block the child. The status is 128 + N for a child killed by N.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    standardInput: String = "/dev/null") throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tycho-e2e-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/out", errPath = directory + "/err"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // The child starts with default signal handling, whatever the test runner changed.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for signalNumber in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let spawned = withCStrings([executable] + arguments) { argv in
            withCStrings(variables) { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        }
        guard spawned == 0 else {
            throw EndToEndFailure(description: "could not start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw EndToEndFailure(description: "waitpid failed for \(executable)") }
        }
        let low = status & 0x7F
        let exitStatus = low == 0 ? (status >> 8) & 0xFF : 128 + low
        return Result(status: exitStatus,
                      standardOutput: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
                      standardError: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }

    /// Calls `body` with `strings` as a NULL-terminated array of C strings.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

/// Reads `/proc` to find processes by parent (Linux, where these tests run).
enum ProcessTable {
    static func child(of parent: pid_t, named name: String) -> pid_t? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // `pid (comm) state ppid ...`: the command name may contain spaces, so split after `)`.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, pid_t(fields[1]) == parent else { continue }
            let command = stat[stat.index(after: stat.firstIndex(of: "(") ?? stat.startIndex)..<close]
            // `comm` is cut to 15 bytes.
            if name.hasPrefix(command) || command == name { return pid }
        }
        return nil
    }
}

func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

func quoted(_ text: String) -> String { "\"\(text)\"" }

/// A screen inside a frame, so trailing blanks and empty rows are visible in a failure message.
func framed(_ screen: String) -> String {
    screen.split(separator: "\n", omittingEmptySubsequences: false).map { "|\($0)" }.joined(separator: "\n")
}

/// A test's own temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tycho-e2e-\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A test case that starts tycho in tmux sessions and cleans every one of them up.
class TmuxTestCase: XCTestCase {
    private var sessions: [TmuxSession] = []
    private var directories: [TemporaryDirectory] = []

    override func tearDown() {
        for session in sessions { session.kill() }
        for directory in directories { directory.remove() }
        sessions = []
        directories = []
        super.tearDown()
    }

    /// A tmux server name no other test (or test run) uses.
    func uniqueServerName() -> String {
        let test = name.filter { $0.isLetter || $0.isNumber }.suffix(24)
        return "tycho-e2e-\(UUID().uuidString.prefix(8))-\(test)"
    }

    /// Starts `tycho ARGUMENTS` (by default `--data examples/events`) in a new pane.
    func startTycho(_ arguments: [String]? = nil, width: Int = 120, height: Int = 35,
                    environment: [String: String?] = [:], isGated: Bool = false) throws -> TmuxSession {
        let command = try TychoBinary.commandLine(arguments ?? ["--data", TychoBinary.exampleData], environment: environment)
        let session = try TmuxSession(server: uniqueServerName(), width: width, height: height, command: command, isGated: isGated)
        sessions.append(session)
        return session
    }

    /// A temporary directory removed after the test.
    func temporaryDirectory(_ label: String) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(label)
        directories.append(directory)
        return directory
    }
}
