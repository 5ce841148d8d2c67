/// Which action a key means where, as a table that also writes the help screen (as tig does).
public enum KeyMap {
    /// Where a binding applies.
    public enum Context: String, Sendable {
        case everywhere = "Anywhere"
        case list = "Event list"
        case tree = "Tree pane"
        case incident = "Incident: time, failures, sharing"
        case overlay = "Help, detail, problem and facet views"
        case filter = "Editing the filter"
    }

    public struct Binding: Sendable {
        public let keys: [Key]
        public let label: String
        public let action: Action
        public let context: Context
        public let help: String
    }

    public static let bindings: [Binding] = [
        Binding(keys: [.character("q")], label: "q", action: .quit, context: .everywhere, help: "quit (closes a help or detail view first)"),
        Binding(keys: [.interrupt], label: "Ctrl-C", action: .quit, context: .everywhere, help: "quit at once"),
        Binding(keys: [.character("?"), .function(1)], label: "? F1", action: .showHelp, context: .everywhere, help: "this help"),
        Binding(keys: [.character("/")], label: "/", action: .startFilter, context: .everywhere, help: "edit the filter"),
        Binding(keys: [.tab, .backTab], label: "Tab", action: .switchFocus, context: .everywhere, help: "move focus between the list and the tree"),
        Binding(keys: [.character("j"), .down], label: "j ↓", action: .move(1), context: .everywhere, help: "next row"),
        Binding(keys: [.character("k"), .up], label: "k ↑", action: .move(-1), context: .everywhere, help: "previous row"),
        Binding(keys: [.pageDown, .character(" ")], label: "PgDn Space", action: .page(1), context: .list, help: "next page"),
        Binding(keys: [.pageDown], label: "PgDn", action: .page(1), context: .tree, help: "next page"),
        Binding(keys: [.pageUp], label: "PgUp", action: .page(-1), context: .everywhere, help: "previous page"),
        Binding(keys: [.character("g"), .home], label: "g Home", action: .first, context: .everywhere, help: "first row"),
        Binding(keys: [.character("G"), .end], label: "G End", action: .last, context: .everywhere, help: "last row"),
        Binding(keys: [.character("f")], label: "f", action: .toggleFollow, context: .everywhere, help: "pause or resume following new events in the files"),
        Binding(keys: [.character("!")], label: "!", action: .showProblems, context: .everywhere, help: "lines that could not be read"),
        Binding(keys: [.enter], label: "Enter", action: .openDetail, context: .list, help: "every field of the selected event"),
        Binding(keys: [.enter, .character(" ")], label: "Enter Space", action: .toggleNode, context: .tree, help: "collapse or expand the node"),
        Binding(keys: [.left, .character("h")], label: "← h", action: .collapseOrParent, context: .tree, help: "collapse, or go to the parent"),
        Binding(keys: [.right, .character("l")], label: "→ l", action: .expandOrChild, context: .tree, help: "expand, or go to the first child"),
        Binding(keys: [.character("d")], label: "d", action: .openDetail, context: .tree, help: "every field of the event under the cursor"),
        Binding(keys: [.character("@"), .character(":")], label: "@ :", action: .startAnchor, context: .incident, help: "anchor at a time (type e.g. 14:05): the window around it, a marker row, offsets"),
        Binding(keys: [.character("["), .character("+")], label: "[ +", action: .zoom(0.5), context: .incident, help: "narrow the time window (anchors at the selected event if none)"),
        Binding(keys: [.character("]"), .character("-")], label: "] -", action: .zoom(2), context: .incident, help: "widen the time window"),
        Binding(keys: [.character("t")], label: "t", action: .cycleTimeMode, context: .incident, help: "time column: UTC, local, relative"),
        Binding(keys: [.character("e")], label: "e", action: .jumpToFailure(1), context: .incident, help: "next failed event (list or tree)"),
        Binding(keys: [.character("E")], label: "E", action: .jumpToFailure(-1), context: .incident, help: "previous failed event"),
        Binding(keys: [.character("F")], label: "F", action: .showFacets, context: .incident, help: "facets: counts by service, environment, …; Enter adds, - excludes"),
        Binding(keys: [.character("b")], label: "b", action: .toggleTimeBars, context: .incident, help: "time bars in the tree on or off"),
        Binding(keys: [.character("y")], label: "y", action: .copyID, context: .incident, help: "copy the event's id (OSC 52 clipboard)"),
        Binding(keys: [.character("Y")], label: "Y", action: .copyJSON, context: .incident, help: "copy the event's JSON"),
        Binding(keys: [.character("c")], label: "c", action: .copyView, context: .incident, help: "copy the view (filter and time range) to share"),
        Binding(keys: [.character("m")], label: "m", action: .toggleMark, context: .incident, help: "mark or unmark the event"),
        Binding(keys: [.character("M")], label: "M", action: .copyMarkdown, context: .incident, help: "copy the marked events as a Markdown timeline"),
        Binding(keys: [.character("x")], label: "x", action: .startExport, context: .incident, help: "export the filtered events as JSON lines to a file"),
        Binding(keys: [.escape, .character("q")], label: "Esc q", action: .closeOverlay, context: .overlay, help: "close the view"),
        Binding(keys: [.pageDown], label: "PgDn", action: .page(1), context: .overlay, help: "next page"),
        Binding(keys: [.enter], label: "Enter", action: .chooseFacet(isExcluded: false), context: .overlay, help: "facets: add the value to the filter"),
        Binding(keys: [.character("-")], label: "-", action: .chooseFacet(isExcluded: true), context: .overlay, help: "facets: exclude the value"),
        Binding(keys: [.enter], label: "Enter", action: .filterApply, context: .filter, help: "apply the filter"),
        Binding(keys: [.escape], label: "Esc", action: .filterCancel, context: .filter, help: "cancel editing"),
        Binding(keys: [.tab], label: "Tab", action: .filterComplete, context: .filter, help: "complete a tag name or value"),
        Binding(keys: [.clearLine], label: "Ctrl-U", action: .filterClear, context: .filter, help: "delete everything before the cursor"),
        Binding(keys: [.left, .control("b")], label: "← →", action: .filterMove(.left), context: .filter, help: "move the cursor (also Ctrl-B Ctrl-F; Alt-B Alt-F by word)"),
        Binding(keys: [.right, .control("f")], label: "← →", action: .filterMove(.right), context: .filter, help: "move the cursor (also Ctrl-B Ctrl-F; Alt-B Alt-F by word)"),
        Binding(keys: [.alt("b")], label: "Alt-B", action: .filterMove(.wordLeft), context: .filter, help: "a word left"),
        Binding(keys: [.alt("f")], label: "Alt-F", action: .filterMove(.wordRight), context: .filter, help: "a word right"),
        Binding(keys: [.home, .control("a")], label: "Home End", action: .filterMove(.start), context: .filter, help: "start or end of the line (also Ctrl-A Ctrl-E)"),
        Binding(keys: [.end, .control("e")], label: "Home End", action: .filterMove(.end), context: .filter, help: "start or end of the line (also Ctrl-A Ctrl-E)"),
        Binding(keys: [.delete, .control("d")], label: "Del", action: .filterDeleteForward, context: .filter, help: "delete the character under the cursor (also Ctrl-D)"),
        Binding(keys: [.control("w"), .alt("\u{7F}"), .alt("\u{08}")], label: "Ctrl-W", action: .filterDeleteWord, context: .filter, help: "delete the word before the cursor (also Alt-Backspace)"),
    ]

    /// The keys `key` stands for in `state`: Alt and a character (ESC then it, sent at once) is
    /// Escape and then the character, except in the editors, where it is a word motion.
    public static func keys(for key: Key, in state: AppState) -> [Key] {
        if case .alt(let character) = key, state.editor == nil, state.pendingOverwrite == nil {
            return character == "\u{7F}" ? [.escape, .backspace] : [.escape, .character(character)]
        }
        return [key]
    }

    /// The action `key` means in `state`, if any.
    public static func action(for key: Key, in state: AppState) -> Action? {
        if key == .interrupt { return .quit }
        if state.pendingOverwrite != nil { return key == .character("y") ? .confirm : .filterCancel }
        if state.editor != nil {
            if let binding = bindings.first(where: { $0.context == .filter && $0.keys.contains(key) }) { return binding.action }
            switch key {
            case .character(let character): return .filterInsert(String(character))
            case .paste(let text):
                // One line: a pasted line break or tab is a space, never Enter or Tab.
                let line = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
                return line.isEmpty ? nil : .filterInsert(line)
            case .backspace: return .filterBackspace
            default: return nil  // other Alt keys do nothing here: the edit is not cancelled
            }
        }
        if case .paste = key { return .notice("pasted text is not keys: / opens the filter to paste into") }
        let contexts: [Context]
        if state.overlay != nil {
            contexts = [.overlay, .everywhere]
        } else {
            contexts = [state.focus == .list ? .list : .tree, .everywhere, .incident]
        }
        for context in contexts {
            if let binding = bindings.first(where: { $0.context == context && $0.keys.contains(key) }) { return binding.action }
        }
        return nil
    }
}
