import TychoModel

/// The selected event's whole tree (its root's impact), drawn with tree lines like htop.
enum TreeView {
    static func draw(_ state: AppState, into canvas: inout Canvas, title: Rect, body: Rect) {
        let tree = state.tree
        let focused = state.focus == .tree
        canvas.fill(x: 0, y: title.y, width: title.width, height: 1, style: .dim)
        var heading = "── tree"
        if let root = tree.root {
            heading += " of \(state.store.rowID(root, cells: title.width)) · \(Format.count(tree.rows.count)) shown"
        }
        heading += focused ? " (focused: Enter toggles, ← → collapse/expand) " : " (Tab to focus) "
        let rule = String(repeating: "─", count: max(0, title.width - DisplayWidth.of(SafeText.visible(heading))))
        canvas.draw(heading + rule, x: 0, y: title.y, style: focused ? .bold : .dim)
        guard !tree.rows.isEmpty else { return }
        let bars = barWidth(state, body)
        let span = bars > 0 ? span(of: tree.rows, store: state.store) : nil  // once a frame: it reads every row
        for line in 0..<body.height {
            let index = tree.scroll.offset + line
            guard index < tree.rows.count else { break }
            let row = tree.rows[index]
            let y = body.y + line
            let status = state.store.firstTagValue(row.record, key: "status")
            var style = isFailure(status) || (row.group?.failedCount ?? 0) > 0 ? Style(foreground: .red) : .plain
            if row.record == tree.focus && !row.isBackReference { style.isBold = true }
            if index == tree.scroll.selected && (focused || row.record == tree.focus) {
                style.isReverse = focused || row.record == tree.focus
                canvas.fill(x: 0, y: y, width: body.width, height: 1, style: style)
            }
            var x = canvas.draw(guides(for: index, in: tree.rows, limit: body.width / 2), x: 0, y: y, style: style.with(isDim: !style.isReverse))
            x += canvas.draw(marker(row) + " ", x: x, y: y, style: style)
            let room = body.width - x - (bars > 0 ? bars + 1 : 0)
            x += canvas.draw(label(row, store: state.store, cells: room), x: x, y: y, limit: room, style: style)
            if bars > 0, !row.isBackReference, row.group == nil, let span {
                drawBar(row.record, span: span, store: state.store, x: body.width - bars, y: y, width: bars,
                        style: Style(foreground: style.foreground ?? .cyan, isReverse: style.isReverse), into: &canvas)
            }
        }
    }

    /// `source/type` of an event: how siblings are grouped and labelled.
    static func kind(_ record: Int, store: EventStore) -> String {
        [store.firstTagValue(record, key: "source"), store.firstTagValue(record, key: "type")].filter { !$0.isEmpty }.joined(separator: "/")
    }

    /// Columns for the time bars: on when asked for and the pane is wide enough.
    static func barWidth(_ state: AppState, _ body: Rect) -> Int {
        state.showsTimeBars && body.width >= 100 ? min(40, body.width / 4) : 0
    }

    /// The earliest start and latest end among the rows: the root's span, in practice.
    static func span(of rows: [TreeRow], store: EventStore) -> (from: Int64, to: Int64)? {
        guard let first = rows.first else { return nil }
        var from = store.startTime(first.record), to = store.endTime(first.record)
        for row in rows {
            from = min(from, store.startTime(row.record))
            to = max(to, store.endTime(row.record))
        }
        return (from, max(to, from + 1))
    }

    /// A Gantt bar of the event's [start, end] within `span`: at least one cell, so instants show.
    static func drawBar(_ record: Int, span: (from: Int64, to: Int64), store: EventStore, x: Int, y: Int, width: Int, style: Style, into canvas: inout Canvas) {
        let scale = Double(width) / Double(span.to - span.from)
        let first = min(width - 1, max(0, Int(Double(store.startTime(record) - span.from) * scale)))
        let last = min(width - 1, max(first, Int(Double(store.endTime(record) - span.from) * scale) - 1))
        canvas.draw(String(repeating: "·", count: width), x: x, y: y, style: .dim)
        canvas.draw(String(repeating: "█", count: last - first + 1), x: x + first, y: y, style: style)
    }

    /// `│ ├─` guides for a row, from the rows of its ancestors (htop's indent mask).
    static func guides(for index: Int, in rows: [TreeRow], limit: Int) -> String {
        let row = rows[index]
        guard row.depth > 0 else { return "" }
        let levels = max(1, limit / 2)
        var parts: [String] = [row.isLastChild ? "└─" : "├─"]
        var ancestor = row.parentRow
        while ancestor >= 0 && rows[ancestor].depth > 0 && parts.count < levels {
            parts.append(rows[ancestor].isLastChild ? "  " : "│ ")
            ancestor = rows[ancestor].parentRow
        }
        let prefix = row.depth > levels ? "…\(row.depth)" : ""
        return prefix + parts.reversed().joined()
    }

    static func marker(_ row: TreeRow) -> String {
        if row.group != nil { return "▸" }
        if row.isBackReference { return "↻" }
        if row.childCount == 0 { return "•" }
        return row.isExpanded ? "▾" : "▸ (\(Format.count(row.childCount)))"
    }

    /// `source/type status  description`, or a cycle notice, to fill at most `cells` cells.
    static func label(_ row: TreeRow, store: EventStore, cells: Int) -> String {
        if let group = row.group {
            return "\(Format.count(group.members.count)) × \(group.kind)" + (group.failedCount > 0 ? ", \(Format.count(group.failedCount)) failed" : "")
        }
        if row.isBackReference { return "cycle: \(store.rowID(row.record, cells: cells)) is shown above" }
        let kind = kind(row.record, store: store)
        let status = store.firstTagValue(row.record, key: "status")
        let description = store.rowDescription(row.record, cells: cells)
        let id = kind.isEmpty || description.isEmpty ? store.rowID(row.record, cells: cells) : ""
        return [kind.isEmpty ? id : kind, status, description.isEmpty ? id : description]
            .filter { !$0.isEmpty }.joined(separator: "  ")
    }
}

extension Style {
    func with(isDim: Bool) -> Style {
        var copy = self
        copy.isDim = isDim
        return copy
    }
}

/// The bottom row: where the data is, what went wrong reading it, and the main keys.
enum StatusView {
    static func draw(_ state: AppState, into canvas: inout Canvas, at rect: Rect) {
        canvas.fill(x: 0, y: rect.y, width: rect.width, height: 1, style: .reverse)
        // What changed first; the data directory (often a long path) last, so it is what a
        // narrow screen cuts.
        var parts: [String] = []
        if state.isLoading { parts.append("loading… \(Format.count(state.store.count)) so far") }
        if !state.newIDs.isEmpty { parts.append("\(Format.count(state.newIDs.count)) new (rows marked +)") }
        if !state.isFollowing { parts.append("paused (f follows)") }
        if !state.marked.isEmpty { parts.append("\(state.marked.count) marked (M copies)") }
        if let notice = state.notice { parts.insert(notice, at: 0) }
        let problems = state.store.problems.count
        if problems > 0 { parts.append("\(Format.count(problems)) bad line\(problems == 1 ? "" : "s") (! to list)") }
        parts.append(state.dataDirectory)
        parts[0] = " " + parts[0]
        let hints = "? help  / filter  Tab pane  q quit "
        let hintsWidth = hints.count
        let room = rect.width - hintsWidth - 1
        var x = 0
        for (k, part) in parts.enumerated() {
            let text = (k > 0 ? " · " : "") + part
            // Bad lines are worth noticing: that part is bold.
            let style = Style(isBold: part.contains("bad line"), isReverse: true)
            x += canvas.draw(text, x: x, y: rect.y, limit: max(0, room - x), style: style)
        }
        if rect.width - hintsWidth > 0 { canvas.draw(hints, x: rect.width - hintsWidth, y: rect.y, style: .reverse) }
    }
}
