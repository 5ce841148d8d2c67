import TychoModel

/// A view drawn over the main screen.
public enum Overlay: Equatable, Sendable {
    case help
    case detail(record: Int)
    case problems
}

/// The filter being typed, before Enter applies it.
public struct FilterEditor: Equatable, Sendable {
    public var text: String
    /// What Tab found to complete the last word with, when it was not unique.
    public var candidates: [String] = []
}

/// Everything the browser shows, as a value. `apply(_:)` is the only way it changes, so a
/// whole session can be replayed in a test by feeding it actions.
public struct AppState {
    public private(set) var store: EventStore
    public let dataDirectory: String
    /// Still reading the data: the store holds only the newest events so far.
    public private(set) var isLoading: Bool
    /// The clock that relative times (`since:2h`) count back from.
    public var now: Int64
    public var utcOffsetSeconds: Int

    public private(set) var layout: Layout
    public private(set) var filterText = ""
    public private(set) var filterError: String?
    public private(set) var editor: FilterEditor?
    public private(set) var list: EventList
    public private(set) var listScroll = ScrollState()
    public private(set) var focus = Pane.list
    public private(set) var overlay: Overlay?
    public private(set) var overlayScroll = 0
    public private(set) var tree = TreePane()
    public private(set) var isQuitting = false
    /// Whether new lines in the data files are read as they arrive.
    public private(set) var isFollowing = true
    /// Events that arrived while following and have not been selected yet.
    public private(set) var newIDs: Set<String> = []

    public init(store: EventStore, dataDirectory: String, isLoading: Bool = false, now: Int64, utcOffsetSeconds: Int = 0,
                width: Int = 80, height: Int = 24) {
        self.store = store
        self.dataDirectory = dataDirectory
        self.isLoading = isLoading
        self.now = now
        self.utcOffsetSeconds = utcOffsetSeconds
        layout = Layout(width: width, height: height)
        list = store.events(matching: EventFilter())
        refreshTree()
    }

    /// The event selected in the list, if the list is not empty.
    public var selectedRecord: Int? { list.isEmpty ? nil : list[listScroll.selected] }

    /// The event under the tree cursor.
    public var treeCursorRecord: Int? { tree.rows.indices.contains(tree.scroll.selected) ? tree.rows[tree.scroll.selected].record : nil }

    // MARK: - Update

    public mutating func apply(_ action: Action) {
        switch action {
        case .quit:
            isQuitting = true
        case .closeOverlay:
            overlay = nil
        case .showHelp: open(.help)
        case .showProblems: open(.problems)
        case .openDetail:
            if let record = focus == .tree ? treeCursorRecord : selectedRecord { open(.detail(record: record)) }
        case .startFilter:
            overlay = nil
            editor = FilterEditor(text: filterText)
        case .move(let delta): move(by: delta)
        case .page(let direction): move(by: direction * max(1, (overlay != nil ? layout.height - 3 : focusedHeight) - 1))
        case .first: move(by: Int.min / 2)
        case .last: move(by: Int.max / 2)
        case .switchFocus: focus = focus == .list ? .tree : .list
        case .toggleNode:
            if let row = tree.cursorRow, row.childCount > 0, !row.isBackReference { setExpanded(row.record, !row.isExpanded) }
        case .collapseOrParent:
            guard let row = tree.cursorRow else { break }
            if row.isExpanded {
                setExpanded(row.record, false)
            } else if row.parentRow >= 0 {
                tree.scroll.select(row.parentRow, count: tree.rows.count, visibleRows: layout.tree.height)
            }
        case .expandOrChild:
            guard let row = tree.cursorRow, row.childCount > 0, !row.isBackReference else { break }
            if row.isExpanded {
                tree.scroll.select(tree.scroll.selected + 1, count: tree.rows.count, visibleRows: layout.tree.height)
            } else {
                setExpanded(row.record, true)
            }
        case .filterInsert(let text): editor?.text += text; editor?.candidates = []
        case .filterBackspace: if editor?.text.isEmpty == false { editor?.text.removeLast() }; editor?.candidates = []
        case .filterClear: editor?.text = ""; editor?.candidates = []
        case .filterCancel:
            editor = nil
            filterError = nil
        case .filterApply:
            guard let text = editor?.text else { break }
            applyFilter(text)
        case .filterComplete: complete()
        case .toggleFollow:
            isFollowing.toggle()
        case .resize(let width, let height):
            layout = Layout(width: width, height: height)
            listScroll.keepVisible(count: list.count, visibleRows: layout.list.height)
            tree.scroll.keepVisible(count: tree.rows.count, visibleRows: layout.tree.height)
        }
    }

    /// Replaces the store (more data read, or new lines followed), keeping the filter and the
    /// selected event where they still apply.
    public mutating func replaceStore(_ newStore: EventStore, isLoading: Bool, newIDs arrived: [String] = []) {
        let selectedID = selectedRecord.map(store.id)
        let screenRow = listScroll.selected - listScroll.offset
        let treeCursorID = treeCursorRecord.map(store.id)
        let expanded = tree.overrides.map { (store.id($0.key), $0.value) }
        store = newStore
        self.isLoading = isLoading
        tree = TreePane()
        for (id, isExpanded) in expanded { if let record = store.record(id: id) { tree.overrides[record] = isExpanded } }
        rerunFilter()
        if let selectedID, let record = store.record(id: selectedID), let position = list.position(of: record) {
            // Keep the selected event on the same screen row while events arrive above it.
            listScroll.offset = max(0, position - screenRow)
            listScroll.select(position, count: list.count, visibleRows: layout.list.height)
        }
        refreshTree()
        if let treeCursorID, let record = store.record(id: treeCursorID), let row = tree.rows.firstIndex(where: { $0.record == record }) {
            tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
        }
        newIDs.formUnion(arrived.filter { $0 != selectedID })
        newIDs = newIDs.filter { store.record(id: $0) != nil }
    }

    private var focusedHeight: Int { focus == .list ? layout.list.height : layout.tree.height }

    private mutating func open(_ newOverlay: Overlay) {
        overlay = newOverlay
        overlayScroll = 0
    }

    private mutating func move(by delta: Int) {
        if overlay != nil {
            overlayScroll = max(0, overlayScroll.addingClamped(delta))
            return
        }
        switch focus {
        case .list:
            listScroll.select(listScroll.selected.addingClamped(delta), count: list.count, visibleRows: layout.list.height)
            refreshTree()
            if !newIDs.isEmpty, let record = selectedRecord { newIDs.remove(store.id(record)) }
        case .tree:
            tree.scroll.select(tree.scroll.selected.addingClamped(delta), count: tree.rows.count, visibleRows: layout.tree.height)
        }
    }

    // MARK: - Filter

    private mutating func applyFilter(_ text: String) {
        do {
            _ = try EventFilter(parsing: text, now: now, utcOffsetSeconds: utcOffsetSeconds)
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
            listScroll.select(position, count: list.count, visibleRows: layout.list.height)
        }
        refreshTree()
    }

    private mutating func rerunFilter() {
        let filter = (try? EventFilter(parsing: filterText, now: now, utcOffsetSeconds: utcOffsetSeconds)) ?? EventFilter()
        list = store.events(matching: filter)
        listScroll.select(listScroll.selected, count: list.count, visibleRows: layout.list.height)
    }

    /// Completes the word being typed: a tag name (then `:`), or a value of the named tag.
    private mutating func complete() {
        guard var editor else { return }
        let words = editor.text.split(separator: " ", omittingEmptySubsequences: false)
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
        if options.count == 1 && !completion.hasSuffix(":") { completion += " " }
        editor.text = words.dropLast().joined(separator: " ") + (words.count > 1 ? " " : "") + (negated ? "-" : "") + completion
        editor.candidates = options.count == 1 ? [] : Array(options.prefix(50))
        self.editor = editor
    }

    // MARK: - Tree

    /// Rebuilds the tree pane for the selected event: its root's whole tree, with the path to
    /// the selection expanded and very wide nodes collapsed.
    private mutating func refreshTree() {
        guard let record = selectedRecord else {
            tree = TreePane()
            return
        }
        // Moving within the tree already shown needs no rebuild.
        if tree.focus == record, !tree.rows.isEmpty { return }
        if let row = tree.rows.firstIndex(where: { $0.record == record && !$0.isBackReference }) {
            tree.focus = record
            tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
            return
        }
        let root = store.root(of: record)
        if root != tree.root { tree.overrides = [:] }
        tree.root = root
        tree.focus = record
        tree.path = Set(store.trace(record))
        rebuildTreeRows()
        let row = tree.rows.firstIndex { $0.record == record && !$0.isBackReference } ?? 0
        tree.scroll = ScrollState()
        tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
    }

    private mutating func setExpanded(_ record: Int, _ isExpanded: Bool) {
        tree.overrides[record] = isExpanded
        let cursor = treeCursorRecord
        rebuildTreeRows()
        if let cursor, let row = tree.rows.firstIndex(where: { $0.record == cursor && !$0.isBackReference }) {
            tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
        }
    }

    private mutating func rebuildTreeRows() {
        guard let root = tree.root else { return }
        let (store, overrides, path) = (self.store, tree.overrides, tree.path)
        tree.rows = store.flattenTree(root: root) { record in
            overrides[record] ?? (path.contains(record) || store.childCount(record) <= TreePane.collapseAbove)
        }
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
