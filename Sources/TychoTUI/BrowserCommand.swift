import Dispatch
import Foundation
import TychoCLI
import TychoModel
import TychoScreen

/// `tycho [--data DIR]`: checks it can run, loads in the background, and runs the browser.
enum BrowserCommand {
    static func run(_ options: BrowseOptions, environment: [String: String]) -> Int32 {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            write("tycho: the browser needs a terminal; for scripts use the query commands: tycho query|get|children|impact|trace|tree|check (tycho --help)\n", to: .standardError)
            return ExitStatus.usage
        }
        // Say what is wrong with the directory before the screen is taken over.
        do {
            _ = try DataDirectory.files(in: options.dataDirectory)
        } catch {
            write("tycho: \(error.description)\n", to: .standardError)
            return ExitStatus.failure
        }
        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal(environment: environment)
        } catch {
            write("tycho: \(error.message)\n", to: .standardError)
            return ExitStatus.usage
        }
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { stopSignal = $0 }
        }
        NcursesTerminal.installCrashGuard()
        let mailbox = Mailbox()
        let trace = StartupTrace(path: environment["TYCHO_STARTUP_TRACE"])
        DispatchQueue.global(qos: .userInitiated).async {
            do {
                let store = try EventLoader.load(directory: options.dataDirectory) { first in
                    trace?.record("first-batch-built \(first.count)")
                    mailbox.post(StoreUpdate(store: first, isLoading: true))
                }
                trace?.record("store-built \(store.count)")
                mailbox.post(StoreUpdate(store: store, isLoading: false))
            } catch {
                mailbox.post(StoreUpdate(store: .empty(), isLoading: false))
            }
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var state = AppState(store: .empty(), dataDirectory: options.dataDirectory, isLoading: true, now: now,
                             timeZone: .current, width: terminal.width, height: terminal.height)
        state.startWith(filter: options.filter)
        if !terminal.isUTF8 && state.notice == nil {
            let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? "C"
            state.apply(.notice("the locale \(locale) is not UTF-8, so lines and symbols show as ?: set LANG=C.UTF-8 (or en_US.UTF-8)"))
        }
        let follower = Follower(directory: options.dataDirectory, mailbox: mailbox)
        Browser.run(&state, on: terminal, updates: { mailbox.take() }, shouldStop: { stopSignal != 0 }, tick: follower.tick,
                    clock: { Int64(Date().timeIntervalSince1970 * 1000) }, presented: { trace?.presented($0) })
        terminal.close()
        return stopSignal == 0 || stopSignal == SIGINT ? ExitStatus.success : 128 + stopSignal
    }
}

/// Hands stores from the loading thread to the browser loop; only the newest one matters.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: StoreUpdate?
    private var hasFinal = false

    func post(_ update: StoreUpdate) {
        lock.lock()
        defer { lock.unlock() }
        // A first batch must not replace the full store if it arrives late.
        if hasFinal && update.isLoading { return }
        pending = update
        if !update.isLoading { hasFinal = true }
    }

    func take() -> StoreUpdate? {
        lock.lock()
        defer { lock.unlock() }
        defer { pending = nil }
        return pending
    }
}

/// Polls the data files about once a second while following, reading only what was appended,
/// off the main thread; one refresh at a time.
final class Follower: @unchecked Sendable {
    private let directory: String
    private let mailbox: Mailbox
    private let lock = NSLock()
    private var isRefreshing = false
    private var lastStart = Date.distantPast

    init(directory: String, mailbox: Mailbox) {
        self.directory = directory
        self.mailbox = mailbox
    }

    func tick(_ state: AppState) {
        guard state.isFollowing, !state.isLoading else { return }
        lock.lock()
        defer { lock.unlock() }
        guard !isRefreshing, Date().timeIntervalSince(lastStart) >= 1 else { return }
        isRefreshing = true
        lastStart = Date()
        let store = state.store
        DispatchQueue.global(qos: .utility).async { [self] in
            if let refresh = try? EventLoader.refresh(store, directory: directory) {
                mailbox.post(StoreUpdate(store: refresh.store, isLoading: false, newIDs: refresh.newIDs))
            }
            lock.lock()
            isRefreshing = false
            lock.unlock()
        }
    }
}

/// When `TYCHO_STARTUP_TRACE=FILE` is set, writes to FILE the moments (CLOCK_MONOTONIC, in
/// nanoseconds, the clock every process shares) the first events and then the fully loaded
/// store reached the terminal, with the resident memory then: what `make bench` times from
/// the spawn, without guessing from the screen. The loading thread marks its steps too.
final class StartupTrace: @unchecked Sendable {
    private let descriptor: Int32
    private var sawEvents = false
    private var sawLoaded = false

    init?(path: String?) {
        guard let path, !path.isEmpty else { return nil }
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

    /// Called on the browser's thread only.
    func presented(_ state: AppState) {
        if !sawEvents && state.store.count > 0 {
            sawEvents = true
            record("first-paint \(state.store.count)")
        }
        if !sawLoaded && !state.isLoading {
            sawLoaded = true
            record("loaded \(state.store.count) rss-kb \(ProcessMemory.residentKilobytes() ?? -1)")
        }
    }

    /// Writes one line, `NANOSECONDS WHAT`, in one write (so lines from two threads never mix).
    func record(_ what: String) {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        let line = "\(Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)) \(what)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress, $0.count - 1) }
    }
}
