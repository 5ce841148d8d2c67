import Foundation
import TychoModel

/// A view drawn over the main screen.
public enum Overlay: Equatable, Sendable {
    case help
    case detail(record: Int)
    case problems
    case facets
}

/// A line being typed in the top bar: the filter, or a file name to export to.
public struct FilterEditor: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        case filter
        case exportPath
    }

    public var text: String {
        didSet { cursorFromEnd = min(cursorFromEnd, text.count) }
    }
    public var purpose = Purpose.filter
    /// What Tab found to complete the last word with, when it was not unique.
    public var candidates: [String] = []
    /// Where the cursor is, counted in characters back from the end: text set from outside
    /// (a completion, a proposed path) keeps the cursor at the end, where typing goes on.
    public private(set) var cursorFromEnd = 0

    public init(text: String, purpose: Purpose = .filter) {
        self.text = text
        self.purpose = purpose
    }

    public enum Motion: Equatable, Sendable {
        case left, right, start, end, wordLeft, wordRight
    }

    private var cursor: String.Index { text.index(text.endIndex, offsetBy: -cursorFromEnd) }
    public var beforeCursor: Substring { text[..<cursor] }
    public var afterCursor: Substring { text[cursor...] }

    mutating func insert(_ typed: String) {
        text.insert(contentsOf: typed, at: cursor)
    }

    mutating func move(_ motion: Motion) {
        switch motion {
        case .left: cursorFromEnd = min(text.count, cursorFromEnd + 1)
        case .right: cursorFromEnd = max(0, cursorFromEnd - 1)
        case .start: cursorFromEnd = text.count
        case .end: cursorFromEnd = 0
        case .wordLeft: cursorFromEnd = text.distance(from: wordStart, to: text.endIndex)
        case .wordRight:
            var end = cursor
            while end < text.endIndex, text[end] == " " { end = text.index(after: end) }
            while end < text.endIndex, text[end] != " " { end = text.index(after: end) }
            cursorFromEnd = text.distance(from: end, to: text.endIndex)
        }
    }

    mutating func deleteBackward() {
        guard cursor > text.startIndex else { return }
        text.remove(at: text.index(before: cursor))
    }

    mutating func deleteForward() {
        guard cursorFromEnd > 0 else { return }
        let at = cursor
        cursorFromEnd -= 1
        text.remove(at: at)
    }

    /// Ctrl-U: everything before the cursor.
    mutating func deleteToStart() {
        text.removeSubrange(text.startIndex..<cursor)
    }

    /// Ctrl-W: the word before the cursor, and the spaces after it.
    mutating func deleteWordBackward() {
        text.removeSubrange(wordStart..<cursor)
    }

    /// The start of the word before the cursor (skipping the spaces just before it).
    private var wordStart: String.Index {
        var start = cursor
        while start > text.startIndex, text[text.index(before: start)] == " " { start = text.index(before: start) }
        while start > text.startIndex, text[text.index(before: start)] != " " { start = text.index(before: start) }
        return start
    }
}

/// How the time column shows times.
public enum TimeMode: Equatable, Sendable, CaseIterable {
    case utc, local, relative
}

/// Something the browser asks the world to do; the run loop performs it and reports back.
public enum Effect: Equatable, Sendable {
    /// Put text on the clipboard (OSC 52); `what` names it in the notice. The text is already
    /// safe to paste (`AppState.copy` made it so, and measured it as it will be sent).
    case copy(text: String, what: String)
    /// Write the filtered events as JSON lines to `path`.
    case export(path: String, overwrite: Bool)
}

/// Everything the browser shows, as a value. `apply(_:)` is the only way it changes, so a
/// whole session can be replayed in a test by feeding it actions.
public struct AppState {
    public internal(set) var store: EventStore
    public let dataDirectory: String
    /// Still reading the data: the store holds only the newest events so far.
    public internal(set) var isLoading: Bool
    /// The clock that relative times (`since:2h`) count back from; the run loop advances it.
    public internal(set) var now: Int64
    /// The user's time zone, for clock times in the filter and the local time column.
    public var timeZone: TimeZone
    /// When the filter last ran, to re-run one with relative times as the clock moves.
    var filterRanAt: Int64 = 0

    public internal(set) var layout: Layout
    public internal(set) var filterText = ""
    public internal(set) var filterError: String?
    public internal(set) var editor: FilterEditor?
    public internal(set) var list: EventList
    public internal(set) var listScroll = ScrollState()
    public internal(set) var focus = Pane.list
    public internal(set) var overlay: Overlay?
    public internal(set) var overlayScroll = 0
    public internal(set) var tree = TreePane()
    public internal(set) var isQuitting = false
    /// Whether new lines in the data files are read as they arrive.
    public internal(set) var isFollowing = true
    /// Events that arrived while following and have not been selected yet.
    public internal(set) var newIDs: Set<String> = []
    /// The filter in force (parsed from `filterText`), with its anchor time and window.
    public internal(set) var filter = EventFilter()
    public internal(set) var timeMode = TimeMode.utc
    /// The text lines of the open help, detail or problems view, built once when it opens.
    public internal(set) var overlayLines: [String] = []
    /// Events marked with `m` (by id), for the Markdown timeline.
    public internal(set) var marked: Set<String> = []
    /// A one-line message for the status line (what was copied, exported, or went wrong).
    public internal(set) var notice: String?
    /// Effects asked for and not yet performed.
    public internal(set) var effects: [Effect] = []
    /// A file the export would overwrite, waiting for y/n.
    public internal(set) var pendingOverwrite: String?
    public internal(set) var facets: [Facet] = []
    public internal(set) var histogram = Histogram.empty
    /// Whether tree rows end with a bar of their time span.
    public internal(set) var showsTimeBars = true

    public init(store: EventStore, dataDirectory: String, isLoading: Bool = false, now: Int64,
                timeZone: TimeZone = TimeZone(identifier: "UTC")!, width: Int = 80, height: Int = 24) {
        self.store = store
        self.dataDirectory = dataDirectory
        self.isLoading = isLoading
        self.now = now
        self.timeZone = timeZone
        layout = Layout(width: width, height: height)
        list = store.events(matching: EventFilter())
        refreshTree()
        rebuildHistogram()
    }

    /// Starts with a filter (a view string from `tycho --filter` or `--at`); a bad one is shown
    /// in the editor with its error, as if typed.
    public mutating func startWith(filter text: String) {
        guard !text.isEmpty else { return }
        editor = FilterEditor(text: text)
        apply(.filterApply)
    }

    /// The event selected in the list, if the list is not empty.
    public var selectedRecord: Int? { list.isEmpty ? nil : list[listScroll.selected] }

    /// The event under the tree cursor.
    public var treeCursorRecord: Int? { tree.rows.indices.contains(tree.scroll.selected) ? tree.rows[tree.scroll.selected].record : nil }

    // MARK: - Update

    public mutating func apply(_ action: Action) {
        switch action {
        case .clock, .resize, .notice:
            // Not the user's doing: a question stays asked and a notice stays shown until a key.
            break
        default:
            if pendingOverwrite != nil, action != .quit {
                confirmOverwrite(action == .confirm)
                return
            }
            notice = nil
        }
        switch action {
        case .quit:
            isQuitting = true
        case .closeOverlay:
            overlay = nil
        case .showHelp: open(.help)
        case .showProblems: open(.problems)
        case .showFacets: openFacets()
        case .chooseFacet(let isExcluded): chooseFacet(isExcluded: isExcluded)
        case .startAnchor:
            overlay = nil
            let others = EventFilter.removingTerms("at", from: filterText)
            editor = FilterEditor(text: others.isEmpty ? "at:" : others + " at:")
        case .zoom(let factor): zoom(by: factor)
        case .cycleTimeMode:
            let modes = TimeMode.allCases
            timeMode = modes[(modes.firstIndex(of: timeMode)! + 1) % modes.count]
        case .jumpToFailure(let direction): jumpToFailure(direction)
        case .toggleMark: toggleMark()
        case .copyID: copySelected(asJSON: false)
        case .copyJSON: copySelected(asJSON: true)
        case .copyView: copyView()
        case .copyMarkdown: copyMarkdown()
        case .startExport:
            overlay = nil
            guard !list.isEmpty else {
                notice = "nothing to export: no events match the filter"
                break
            }
            let path = defaultExportPath(workingDirectory: FileManager.default.currentDirectoryPath,
                                         home: FileManager.default.homeDirectoryForCurrentUser.path)
            editor = FilterEditor(text: path, purpose: .exportPath)
        case .toggleTimeBars: showsTimeBars.toggle()
        case .notice(let text): notice = text
        case .clock(let time): advanceClock(to: time)
        case .confirm: break
        case .openDetail:
            if overlay == .facets {
                chooseFacet(isExcluded: false)
            } else if let record = focus == .tree ? treeCursorRecord : selectedRecord {
                open(.detail(record: record))
            }
        case .startFilter:
            overlay = nil
            editor = FilterEditor(text: filterText)
        case .move(let delta): move(by: delta)
        case .page(let direction): move(by: direction * max(1, (overlay != nil ? layout.height - 3 : focusedHeight) - 1))
        case .first: move(by: Int.min / 2)
        case .last: move(by: Int.max / 2)
        case .switchFocus: focus = focus == .list ? .tree : .list
        case .toggleNode:
            if let group = tree.cursorRow?.group {
                openGroup(group)
            } else if let row = tree.cursorRow, row.childCount > 0, !row.isBackReference {
                setExpanded(row.record, !row.isExpanded)
            }
        case .collapseOrParent:
            guard let row = tree.cursorRow else { break }
            if row.isExpanded {
                setExpanded(row.record, false)
            } else if row.parentRow >= 0 {
                tree.scroll.select(row.parentRow, count: tree.rows.count, visibleRows: layout.tree.height)
            }
        case .expandOrChild:
            if let group = tree.cursorRow?.group {
                openGroup(group)
                break
            }
            guard let row = tree.cursorRow, row.childCount > 0, !row.isBackReference else { break }
            if row.isExpanded {
                tree.scroll.select(tree.scroll.selected + 1, count: tree.rows.count, visibleRows: layout.tree.height)
            } else {
                setExpanded(row.record, true)
            }
        case .filterInsert(let text): editor?.insert(text); editor?.candidates = []
        case .filterBackspace: editor?.deleteBackward(); editor?.candidates = []
        case .filterDeleteForward: editor?.deleteForward(); editor?.candidates = []
        case .filterDeleteWord: editor?.deleteWordBackward(); editor?.candidates = []
        case .filterMove(let motion): editor?.move(motion)
        case .filterClear: editor?.deleteToStart(); editor?.candidates = []
        case .filterCancel:
            editor = nil
            filterError = nil
        case .filterApply:
            guard let editor else { break }
            switch editor.purpose {
            case .filter: applyFilter(editor.text)
            case .exportPath: requestExport(editor.text)
            }
        case .filterComplete: complete()
        case .toggleFollow:
            isFollowing.toggle()
        case .resize(let width, let height):
            layout = Layout(width: width, height: height)
            rebuildHistogram()
            if let overlay, overlay != .facets { overlayLines = lines(of: overlay) }
            listScroll.keepVisible(count: list.count, visibleRows: listRows)
            tree.scroll.keepVisible(count: tree.rows.count, visibleRows: layout.tree.height)
        }
    }

    /// Replaces the store (more data read, or new lines followed), keeping the filter and the
    /// selected event where they still apply.
    public mutating func replaceStore(_ newStore: EventStore, isLoading: Bool, newIDs arrived: [String] = []) {
        // While the first batch is showing, the top row is not a choice the user made (and that
        // batch need not hold the newest events): the full store opens on its own newest event.
        let selectedID = self.isLoading && listScroll.selected == 0 ? nil : selectedRecord.map(store.id)
        let screenRow = listScroll.selected - listScroll.offset, wasAtTop = listScroll.offset == 0
        let treeCursorID = treeCursorRecord.map(store.id)
        let expanded = tree.overrides.map { (store.id($0.key), $0.value) }
        store = newStore
        self.isLoading = isLoading
        tree = TreePane()
        for (id, isExpanded) in expanded { if let record = store.record(id: id) { tree.overrides[record] = isExpanded } }
        rerunFilter()
        if let selectedID, let record = store.record(id: selectedID), let position = list.position(of: record) {
            // With the top of the list in sight, newer events push in above the selection and
            // stay in sight (the newest change is what an incident is about); scrolled down,
            // the selected event keeps its screen row while events arrive above it.
            listScroll.offset = wasAtTop ? 0 : max(0, position - screenRow)
            listScroll.select(position, count: list.count, visibleRows: listRows)
        } else if filter.anchor != nil {
            listScroll.select(markerIndex, count: list.count, visibleRows: listRows)
        }
        refreshTree()
        if let treeCursorID, let record = store.record(id: treeCursorID), let row = tree.rows.firstIndex(where: { $0.record == record }) {
            tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
        }
        newIDs.formUnion(arrived.filter { $0 != selectedID })
        newIDs = newIDs.filter { store.record(id: $0) != nil }
    }

    var focusedHeight: Int { focus == .list ? layout.list.height : layout.tree.height }

    mutating func open(_ newOverlay: Overlay) {
        overlay = newOverlay
        overlayScroll = 0
        overlayLines = newOverlay == .facets ? [] : lines(of: newOverlay)
    }

    /// The text of a view, wrapped to the screen.
    func lines(of overlay: Overlay) -> [String] {
        switch overlay {
        case .help: HelpText.lines()
        case .detail(let record): DetailText.lines(record, store: store, width: layout.width - 4)
        case .problems: ProblemsText.lines(store)
        case .facets: []
        }
    }

    /// The scroll position that puts the open view's last line at the bottom. Scrolling stops
    /// there, so after G (or paging past the end) one k already shows an earlier line.
    var overlayScrollLimit: Int { max(0, overlayLines.count - (layout.height - 2)) }

    /// The offset of the user's time zone from UTC at a moment (daylight saving included).
    public func utcOffset(at milliseconds: Int64) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// The zone as shown beside local times: `UTC+01:00`.
    public func zoneLabel(at milliseconds: Int64) -> String {
        let offset = utcOffset(at: milliseconds)
        let minutes = abs(offset) / 60
        return "UTC" + (offset < 0 ? "-" : "+") + Format.pad(minutes / 60) + ":" + Format.pad(minutes % 60)
    }

    /// Moves the clock; a filter with relative times (`since:2h`) follows it every few seconds.
    mutating func advanceClock(to time: Int64) {
        now = time
        guard now - filterRanAt >= 5000, !filterText.isEmpty else { return }
        let later = try? EventFilter(parsing: filterText, now: now, utcOffsetSeconds: utcOffset(at: now))
        guard let later, later.range.from != filter.range.from || later.range.to != filter.range.to else { return }
        let selected = selectedRecord
        rerunFilter()
        if let selected, let position = list.position(of: selected) {
            listScroll.select(position, count: list.count, visibleRows: listRows)
        }
        refreshTree()
    }

    mutating func move(by delta: Int) {
        if overlay == .facets {
            overlayScroll = max(0, min(facetChoices.count - 1, overlayScroll.addingClamped(delta)))
            return
        }
        if overlay != nil {
            overlayScroll = max(0, min(overlayScrollLimit, overlayScroll.addingClamped(delta)))
            return
        }
        switch focus {
        case .list:
            listScroll.select(listScroll.selected.addingClamped(delta), count: list.count, visibleRows: listRows)
            refreshTree()
            if !newIDs.isEmpty, let record = selectedRecord { newIDs.remove(store.id(record)) }
        case .tree:
            tree.scroll.select(tree.scroll.selected.addingClamped(delta), count: tree.rows.count, visibleRows: layout.tree.height)
        }
    }

    // MARK: - Filter

    mutating func applyFilter(_ text: String) {
        do {
            _ = try EventFilter(parsing: text, now: now, utcOffsetSeconds: utcOffset(at: now))
        } catch {
            filterError = error.message
            return  // keep the editor open so the mistake can be fixed
        }
        editor = nil
        filterText = text
        filterError = nil
        let previous = selectedRecord
        rerunFilter()
        listScroll = ScrollState()
        if let previous, let position = list.position(of: previous) {
            listScroll.select(position, count: list.count, visibleRows: listRows)
        } else if filter.anchor != nil {
            // At an anchor, start on the newest event at or before it: what changed just before.
            listScroll.select(markerIndex, count: list.count, visibleRows: listRows)
        }
        refreshTree()
    }

    mutating func rerunFilter() {
        filter = (try? EventFilter(parsing: filterText, now: now, utcOffsetSeconds: utcOffset(at: now))) ?? EventFilter()
        filterRanAt = now
        list = store.events(matching: filter)
        listScroll.select(listScroll.selected, count: list.count, visibleRows: listRows)
        rebuildHistogram()
    }

    /// Rows the list can show: one less while the anchor's marker row is among them.
    var listRows: Int { max(1, layout.list.height - (filter.anchor == nil ? 0 : 1)) }

    /// Takes the effects asked for since the last call (the run loop performs them).
    public mutating func takeEffects() -> [Effect] {
        defer { effects = [] }
        return effects
    }

    /// Completes the word being typed: a tag name (then `:`), or a value of the named tag.
    mutating func complete() {
        guard var editor, editor.purpose == .filter else { return }  // tag names are no file names
        // The word before the cursor is completed; what follows the cursor stays as it is, and
        // so does the cursor's distance from the end, which puts it after the completion.
        let after = String(editor.afterCursor)
        let words = editor.beforeCursor.split(separator: " ", omittingEmptySubsequences: false)
        let word = String(words.last ?? "")
        let negated = word.hasPrefix("-")
        let bare = negated ? String(word.dropFirst()) : word
        var options: [String]
        if let colon = bare.firstIndex(of: ":") {
            let key = String(bare[..<colon])
            options = store.tagValueCounts(key: key).map { key + ":" + $0.value }
        } else {
            options = store.tagKeys.map { $0 + ":" } + ["since:", "until:"]
        }
        options = options.filter { $0.hasPrefix(bare) }
        guard !options.isEmpty else {
            editor.candidates = []
            self.editor = editor
            return
        }
        var completion = commonPrefix(options)
        if options.count == 1 && !completion.hasSuffix(":") && !after.hasPrefix(" ") { completion += " " }
        editor.text = words.dropLast().joined(separator: " ") + (words.count > 1 ? " " : "") + (negated ? "-" : "") + completion + after
        editor.candidates = options.count == 1 ? [] : Array(options.prefix(50))
        self.editor = editor
    }

}

/// The tree pane: the rows of the selected event's tree and the cursor in them.
public struct TreePane: Equatable, Sendable {
    /// Nodes with more children than this start collapsed (unless on the selected path).
    public static let collapseAbove = 25

    public var root: Int?
    /// The list selection the tree was built for, and its path to the root (expanded).
    var focus: Int?
    var path: Set<Int> = []
    public var rows: [TreeRow] = []
    public var scroll = ScrollState()
    /// Nodes the user expanded (true) or collapsed (false) by hand.
    public var overrides: [Int: Bool] = [:]
    /// Groups of same-kind siblings the user opened, as `TreePane.groupKey`s.
    public var openGroups: Set<String> = []
    /// Nodes with more children than `collapseAbove` fold each kind with at least this many into one line.
    public static let groupAtLeast = 5

    static func groupKey(parent: Int, kind: String) -> String { "\(parent)|\(kind)" }

    var cursorRow: TreeRow? { rows.indices.contains(scroll.selected) ? rows[scroll.selected] : nil }
}

extension Int {
    func addingClamped(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? Int.max : Int.min) : sum
    }
}

func commonPrefix(_ words: [String]) -> String {
    guard var prefix = words.first else { return "" }
    for word in words.dropFirst() {
        while !word.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
}
