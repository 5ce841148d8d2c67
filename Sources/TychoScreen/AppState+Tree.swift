import TychoModel

extension AppState {
    // MARK: - Tree

    /// Rebuilds the tree pane for the selected event: its root's whole tree, with the path to
    /// the selection expanded and very wide nodes collapsed.
    mutating func refreshTree() {
        guard let record = selectedRecord else {
            tree = TreePane()
            return
        }
        // Moving within the tree already shown needs no rebuild.
        if tree.focus == record, !tree.rows.isEmpty { return }
        if let row = tree.rows.firstIndex(where: { $0.record == record && !$0.isBackReference && $0.group == nil }) {
            tree.focus = record
            tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
            return
        }
        let root = store.root(of: record)
        if root != tree.root {
            tree.overrides = [:]
            tree.openGroups = []
        }
        tree.root = root
        tree.focus = record
        tree.path = Set(store.trace(record))
        rebuildTreeRows()
        let row = tree.rows.firstIndex { $0.record == record && !$0.isBackReference && $0.group == nil } ?? 0
        tree.scroll = ScrollState()
        tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
    }

    /// Shows a group's members (failed ones first) in place of its summary line.
    mutating func openGroup(_ group: TreeGroup) {
        tree.openGroups.insert(TreePane.groupKey(parent: group.parent, kind: group.kind))
        rebuildTreeRows()
        if let row = tree.rows.firstIndex(where: { $0.group == nil && group.members.contains($0.record) }) {
            tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
        }
    }

    mutating func setExpanded(_ record: Int, _ isExpanded: Bool) {
        tree.overrides[record] = isExpanded
        if !isExpanded { tree.openGroups = tree.openGroups.filter { !$0.hasPrefix("\(record)|") } }
        let cursor = treeCursorRecord
        rebuildTreeRows()
        if let cursor, let row = tree.rows.firstIndex(where: { $0.record == cursor && !$0.isBackReference && $0.group == nil }) {
            tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
        }
    }

    mutating func rebuildTreeRows() {
        guard let root = tree.root else { return }
        let (store, overrides, path, openGroups) = (self.store, tree.overrides, tree.path, tree.openGroups)
        tree.rows = store.flattenTree(root: root, isExpanded: { record in
            overrides[record] ?? (path.contains(record) || store.childCount(record) <= TreePane.collapseAbove)
        }, arrange: { parent, children in
            Self.arrange(children, of: parent, store: store, path: path, openGroups: openGroups)
        })
    }

    /// Collapses the noise: under a node with very many children, each kind (source/type) with
    /// several members becomes one summary line until opened; an opened group lists failures first.
    static func arrange(_ children: [Int], of parent: Int, store: EventStore, path: Set<Int>, openGroups: Set<String>) -> [TreeEntry] {
        guard children.count > TreePane.collapseAbove else { return children.map(TreeEntry.event) }
        var kinds: [String] = []
        var members: [String: [Int]] = [:]
        for child in children {
            let kind = TreeView.kind(child, store: store)
            if members[kind] == nil { kinds.append(kind) }
            members[kind, default: []].append(child)
        }
        var entries: [TreeEntry] = []
        for kind in kinds {
            let group = members[kind] ?? []
            let failed = group.filter { isFailure(store.firstTagValue($0, key: "status")) }
            let isOpen = openGroups.contains(TreePane.groupKey(parent: parent, kind: kind)) || group.contains(where: path.contains)
            if group.count >= TreePane.groupAtLeast && !isOpen {
                entries.append(.group(TreeGroup(parent: parent, kind: kind, members: group, failedCount: failed.count)))
            } else if group.count >= TreePane.groupAtLeast {
                let failedSet = Set(failed)
                entries += (failed + group.filter { !failedSet.contains($0) }).map(TreeEntry.event)
            } else {
                entries += group.map(TreeEntry.event)
            }
        }
        return entries
    }
}
