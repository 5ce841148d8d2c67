import Foundation
import TychoModel

/// The screen the browser draws on and reads keys from: ncurses in the program, a script in tests.
public protocol Terminal: AnyObject {
    var width: Int { get }
    var height: Int { get }
    /// The next key or resize, or nil if none came within `timeoutMilliseconds`.
    func nextInput(timeoutMilliseconds: Int) -> Input?
    /// Shows `canvas`; only what changed needs to reach the terminal.
    func present(_ canvas: Canvas)
    /// Puts text on the clipboard of the terminal the user sits at (OSC 52 works over SSH);
    /// says how it was sent, for the notice.
    func copyToClipboard(_ text: String) -> String
}

/// A new store for the browser: more of the data read, or new lines followed.
public struct StoreUpdate {
    public let store: EventStore
    public let isLoading: Bool
    /// Ids of events that arrived while following (shown as new until looked at).
    public let newIDs: [String]

    public init(store: EventStore, isLoading: Bool, newIDs: [String] = []) {
        self.store = store
        self.isLoading = isLoading
        self.newIDs = newIDs
    }
}

/// The browser's loop: draw, read a key, turn it into an action, apply it; take in new stores.
public enum Browser {
    /// `tick` sees the state once per turn (the program uses it to start following the files).
    /// `clock`, if given, advances the state's "now" (relative times and `since:2h` follow it).
    /// `presented` sees each state just after it was drawn (the program's startup trace).
    public static func run(_ state: inout AppState, on terminal: Terminal, updates: () -> StoreUpdate?,
                           shouldStop: () -> Bool = { false }, tick: (AppState) -> Void = { _ in }, clock: (() -> Int64)? = nil,
                           presented: (AppState) -> Void = { _ in }) {
        var needsDrawing = true
        while !state.isQuitting && !shouldStop() {
            tick(state)
            if let time = clock?(), time / 1000 != state.now / 1000 {
                state.apply(.clock(time))
                needsDrawing = needsDrawing || state.timeMode == .relative || state.notice == nil
            }
            if let update = updates() {
                state.replaceStore(update.store, isLoading: update.isLoading, newIDs: update.newIDs)
                needsDrawing = true
            }
            if needsDrawing {
                terminal.present(Screen.render(state))
                presented(state)
                needsDrawing = false
            }
            guard let input = terminal.nextInput(timeoutMilliseconds: state.isLoading ? 5 : 200) else { continue }
            switch input {
            case .resize(let width, let height):
                state.apply(.resize(width: width, height: height))
            case .key(let pressed):
                var acted = false
                for key in KeyMap.keys(for: pressed, in: state) {
                    guard let action = KeyMap.action(for: key, in: state) else { continue }
                    state.apply(action)
                    acted = true
                }
                guard acted else { continue }
            }
            for effect in state.takeEffects() { perform(effect, &state, terminal) }
            needsDrawing = true
        }
    }

    /// Carries out what the state asked for and reports back through a notice.
    static func perform(_ effect: Effect, _ state: inout AppState, _ terminal: Terminal) {
        switch effect {
        case .copy(let text, let what):
            let route = terminal.copyToClipboard(text)
            state.apply(.notice("sent \(what) to the clipboard (\(route))"))
        case .export(let path, let overwrite):
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue {
                state.apply(.notice("\(path) is a directory: add a file name (x again)"))
                return
            }
            if !overwrite && FileManager.default.fileExists(atPath: path) {
                state.askToOverwrite(path)
                return
            }
            var text = ""
            for position in 0..<state.list.count {
                EventJSON.append(state.store.event(state.list[position]), to: &text)
                text += "\n"
            }
            if FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) {
                state.apply(.notice("exported \(Format.count(state.list.count, "event")) to \(path)"))
            } else {
                state.apply(.notice("could not write \(path): \(String(cString: strerror(errno)))"))
            }
        }
    }
}

/// A terminal for tests: it hands out scripted inputs and keeps every canvas it was shown.
/// When the script runs out it sends Ctrl-C, so a session always ends.
public final class ScriptedTerminal: Terminal {
    public private(set) var width: Int
    public private(set) var height: Int
    private var inputs: [Input]
    public private(set) var frames: [Canvas] = []
    /// What was copied to the clipboard, in order.
    public private(set) var clipboard: [String] = []

    public init(width: Int = 80, height: Int = 24, inputs: [Input]) {
        self.width = width
        self.height = height
        self.inputs = inputs
    }

    /// Keys typed as text, one input per character.
    public static func typing(_ text: String) -> [Input] { text.map { .key(.character($0)) } }

    public var lastFrame: Canvas? { frames.last }

    public func nextInput(timeoutMilliseconds: Int) -> Input? {
        guard !inputs.isEmpty else { return .key(.interrupt) }
        let input = inputs.removeFirst()
        if case .resize(let newWidth, let newHeight) = input { (width, height) = (newWidth, newHeight) }
        return input
    }

    public func present(_ canvas: Canvas) { frames.append(canvas) }

    public func copyToClipboard(_ text: String) -> String {
        clipboard.append(text)
        return "OSC 52"
    }
}
