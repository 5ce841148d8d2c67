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

    mutating func setExpanded(_ record: Int, _ isExpanded: Bool) {
        tree.overrides[record] = isExpanded
        let cursor = treeCursorRecord
        rebuildTreeRows()
        if let cursor, let row = tree.rows.firstIndex(where: { $0.record == cursor && !$0.isBackReference }) {
            tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
        }
    }

    mutating func rebuildTreeRows() {
        guard let root = tree.root else { return }
        let (store, overrides, path) = (self.store, tree.overrides, tree.path)
        tree.rows = store.flattenTree(root: root) { record in
            overrides[record] ?? (path.contains(record) || store.childCount(record) <= TreePane.collapseAbove)
        }
    }
}
