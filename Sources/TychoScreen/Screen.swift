import TychoModel

/// Draws a whole `AppState` into a `Canvas`: the only way the browser's look is decided.
public enum Screen {
    public static func render(_ state: AppState) -> Canvas {
        let layout = state.layout
        var canvas = Canvas(width: layout.width, height: layout.height)
        guard layout.isUsable else {
            canvas.draw("terminal too small: \(layout.width)×\(layout.height), need \(Layout.minimumWidth)×\(Layout.minimumHeight)", x: 0, y: 0)
            return canvas
        }
        FilterBarView.draw(state, into: &canvas, at: layout.filterBar)
        if let strip = layout.histogram { HistogramView.draw(state, into: &canvas, at: strip) }
        ListView.draw(state, into: &canvas, header: layout.header, body: layout.list)
        TreeView.draw(state, into: &canvas, title: layout.treeTitle, body: layout.tree)
        StatusView.draw(state, into: &canvas, at: layout.status)
        if let candidates = state.editor?.candidates, !candidates.isEmpty {
            CompletionView.draw(candidates, into: &canvas, y: (layout.histogram ?? layout.header).y)
        }
        switch state.overlay {
        case .help: OverlayView.draw(title: "Keys", lines: state.overlayLines, scroll: state.overlayScroll, into: &canvas)
        case .detail: OverlayView.draw(title: "Event", lines: state.overlayLines, scroll: state.overlayScroll, into: &canvas)
        case .problems: OverlayView.draw(title: "Lines that could not be read", lines: state.overlayLines, scroll: state.overlayScroll, into: &canvas)
        case .facets:
            let lines = FacetText.lines(state.facets, selected: state.overlayScroll)
            let selectedLine = lines.firstIndex { $0.choice == state.overlayScroll } ?? 0
            OverlayView.draw(title: "Facets of the \(Format.count(state.list.count)) filtered events — Enter adds key:value, - excludes it",
                             lines: lines.map(\.text), scroll: max(0, selectedLine - (layout.height - 2) / 2), into: &canvas)
        case nil: break
        }
        return canvas
    }
}

/// The top row: the filter (or the one being typed) and how many events match.
enum FilterBarView {
    static func draw(_ state: AppState, into canvas: inout Canvas, at rect: Rect) {
        canvas.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, style: .reverse)
        let counts = "\(Format.count(state.list.count)) of \(Format.count(state.store.count)) events"
        let countsWidth = counts.count + 1
        canvas.draw(counts, x: rect.width - countsWidth, y: rect.y, style: .reverse)
        let room = rect.width - countsWidth - 1
        if let path = state.pendingOverwrite {
            // A question must be seen: it takes the top row.
            let question = "overwrite it? (y/n) "
            let x = canvas.draw(question, x: 0, y: rect.y, style: Style(foreground: .yellow, isBold: true, isReverse: true))
            canvas.draw(path + " exists", x: x, y: rect.y, limit: room - x, style: Style(isBold: true, isReverse: true))
        } else if let editor = state.editor {
            let prompt = editor.purpose == .exportPath ? "export filtered events to: " : "/ "
            var x = canvas.draw(prompt, x: 0, y: rect.y, style: Style(isBold: true, isReverse: true))
            // What comes before the cursor, as much as fits with the cursor in sight; then the
            // cursor (a block at the end, or the character under it drawn unreversed); then the rest.
            let before = tail(of: SafeText.visible(String(editor.beforeCursor)), fitting: room - x - 1)
            x += canvas.draw(before, x: x, y: rect.y, limit: room - x, style: .reverse)
            let after = SafeText.visible(String(editor.afterCursor))
            if let under = after.first {
                x += canvas.draw(String(under), x: x, y: rect.y, limit: room - x, style: Style(isBold: true))
                x += canvas.draw(String(after.dropFirst()), x: x, y: rect.y, limit: room - x, style: .reverse)
            } else {
                canvas.draw("█", x: x, y: rect.y, style: .reverse)
            }
            if let error = state.filterError {
                canvas.draw("  " + error, x: x + 1, y: rect.y, limit: room - x - 1, style: Style(foreground: .red, isBold: true, isReverse: true))
            }
        } else if state.filterText.isEmpty {
            canvas.draw(" all events  (/ to filter, ? for help)", x: 0, y: rect.y, limit: room, style: .reverse)
        } else {
            let x = canvas.draw(" filter: ", x: 0, y: rect.y, style: .reverse)
            canvas.draw(state.filterText, x: x, y: rect.y, limit: room - x, style: Style(isBold: true, isReverse: true))
        }
    }
}

/// The longest end of `text` that fits in `width` cells (measured once, from the end).
public func tail(of text: String, fitting width: Int) -> String {
    var used = 0
    var start = text.endIndex
    while start > text.startIndex {
        let previous = text.index(before: start)
        used += DisplayWidth.of(text[previous])
        if used > width { break }
        start = previous
    }
    return String(text[start...])
}

/// What Tab found while the filter is typed, on the row under the filter bar.
enum CompletionView {
    static func draw(_ candidates: [String], into canvas: inout Canvas, y: Int) {
        canvas.fill(x: 0, y: y, width: canvas.width, height: 1, style: .plain)
        let x = canvas.draw(" Tab: ", x: 0, y: y, style: .dim)
        canvas.draw(candidates.joined(separator: "  "), x: x, y: y, limit: canvas.width - x, style: Style(foreground: .cyan, isBold: true))
    }
}

/// The timeline: matching events, newest first, one per row.
enum ListView {
    /// Column widths. The description keeps at least 20 cells: on narrow screens the service,
    /// duration, source and status columns shrink and go, in that order.
    /// The widths of the list's columns; `durationWidth` is 7 with an anchor, so an offset with
    /// seconds and the running mark (`-2m21s●`) fits.
    static func columns(width: Int, timeWidth: Int = 14, durationWidth: Int = 6) -> (time: Int, duration: Int, status: Int, source: Int, service: Int) {
        var room = width - 1 - (timeWidth + 1) - 20
        func take(_ wanted: Int, atLeast: Int) -> Int {
            let given = min(wanted, room - 1)
            guard given >= atLeast else { return 0 }
            room -= given + 1
            return given
        }
        // Anchored, the offset from the alert is what matters most, so it is the last to go.
        let isAnchored = durationWidth > 6
        let early = isAnchored ? take(durationWidth, atLeast: 5) : 0
        let status = take(7, atLeast: 4)
        let source = take(10, atLeast: 6)
        let duration = isAnchored ? early : take(durationWidth, atLeast: 5)
        let service = take(width >= 120 ? 26 : 14, atLeast: 8)
        return (timeWidth, duration, status, source, service)
    }

    /// The offset from the anchor, with `●` when the event was still running at it. The mark
    /// names the likeliest culprits, so when both do not fit the offset loses its last unit.
    static func offsetCell(_ offset: Int64, isRunning: Bool, width: Int) -> String {
        let text = Format.offset(offset)
        guard isRunning else { return text }
        guard DisplayWidth.of(text) + 1 > width else { return text + "●" }
        var coarse = ""
        for character in text {
            coarse.append(character)
            if character.isLetter { break }
        }
        return coarse + "●"
    }

    /// Whether the list spans more than one year: then times show the year (and drop seconds).
    static func spansYears(_ state: AppState) -> Bool {
        guard state.list.count > 1 else { return false }
        let newest = Timestamp.components(state.store.startTime(state.list[0])).year
        let oldest = Timestamp.components(state.store.startTime(state.list[state.list.count - 1])).year
        return newest != oldest
    }

    static func timeTitle(_ state: AppState) -> String {
        switch state.timeMode {
        case .utc: "TIME (UTC)"
        case .local: "LOCAL (\(state.zoneLabel(at: state.now).dropFirst(3)))"
        case .relative: "TIME (AGO)"
        }
    }

    static func time(_ milliseconds: Int64, _ state: AppState, withYear: Bool) -> String {
        let shown: Int64
        switch state.timeMode {
        case .utc: shown = milliseconds
        case .local: shown = milliseconds + Int64(state.utcOffset(at: milliseconds)) * 1000  // that day's offset
        case .relative: return Format.relative(milliseconds, now: state.now)
        }
        return withYear ? Format.dateAndMinute(shown) : Format.shortTime(shown)
    }

    static func draw(_ state: AppState, into canvas: inout Canvas, header: Rect, body: Rect) {
        let withYear = spansYears(state) && state.timeMode != .relative
        let anchor = state.filter.anchor
        let c = columns(width: body.width, timeWidth: withYear ? 16 : 14, durationWidth: anchor == nil ? 6 : 7)
        var x = 1
        let durationTitle = anchor == nil ? "DUR" : "OFFSET"
        for (title, width) in [(timeTitle(state), c.time), (durationTitle, c.duration), ("STATUS", c.status), ("SOURCE", c.source), ("SERVICE/ENV", c.service), ("DESCRIPTION", body.width)] where width > 0 {
            canvas.draw(title, x: x, y: header.y, limit: width, style: .bold)
            x += width + 1
        }
        if state.list.isEmpty {
            let message: String
            if state.isLoading {
                message = "loading…"
            } else if state.store.count == 0 {
                message = "no events in \(state.dataDirectory)"
            } else if let anchor, let from = state.filter.range.from, let to = state.filter.range.to {
                // "Nothing changed" is an answer, if it says when: the window searched.
                let shown = { (time: Int64) in String(Format.fullTime(time).prefix(16)) }
                message = "nothing between \(shown(from)) and \(shown(to)) UTC, around the alert at \(shown(anchor)) (] widens, / changes the filter)"
            } else {
                message = "no events match this filter (/ to change it)"
            }
            canvas.draw(message, x: 2, y: body.y, limit: body.width - 2, style: .dim)
            return
        }
        let scroll = state.listScroll
        let markerIndex = anchor == nil ? -1 : state.markerIndex
        var row = 0
        var position = scroll.offset
        while row < body.height {
            if position == markerIndex, let anchor {
                // The anchor's own row, between the events after it and those before it.
                let local = Format.clock(anchor + Int64(state.utcOffset(at: anchor)) * 1000)
                let label = "── \(local) \(state.zoneLabel(at: anchor)) alert (\(Timestamp.format(anchor).prefix(16).replacingT()) UTC) "
                canvas.draw(label + String(repeating: "─", count: max(0, body.width - DisplayWidth.of(label))), x: 0, y: body.y + row, limit: body.width,
                            style: Style(foreground: .yellow, isBold: true))
                row += 1
                if row >= body.height { break }
            }
            guard position < state.list.count else { break }
            let record = state.list[position]
            let y = body.y + row
            defer {
                row += 1
                position += 1
            }
            let status = state.store.firstTagValue(record, key: "status")
            let failed = isFailure(status)
            var style = failed ? Style(foreground: .red) : .plain
            let isSelected = position == scroll.selected
            if isSelected {
                style.isReverse = state.focus == .list
                style.isBold = true
                canvas.fill(x: 0, y: y, width: body.width, height: 1, style: style)
            }
            let isNew = !state.newIDs.isEmpty && state.newIDs.contains(state.store.id(record))
            let isMarked = !state.marked.isEmpty && state.marked.contains(state.store.id(record))
            canvas.draw(isSelected ? "▶" : isNew ? "+" : isMarked ? "*" : " ", x: 0, y: y,
                        style: isNew ? Style(foreground: .green, isBold: true, isReverse: style.isReverse) : style)
            var x = 1
            let service = [state.store.firstTagValue(record, key: "service"), state.store.firstTagValue(record, key: "environment")]
                .filter { !$0.isEmpty }.joined(separator: "/")
            let start = state.store.startTime(record), end = state.store.endTime(record)
            let second: String
            if let anchor {
                second = offsetCell(start - anchor, isRunning: start <= anchor && end >= anchor, width: c.duration)
            } else {
                second = Format.span(from: start, to: end)
            }
            let cells: [(String, Int)] = [
                (time(start, state, withYear: withYear), c.time),
                (second, c.duration),
                (status, c.status),
                (state.store.firstTagValue(record, key: "source"), c.source),
                (service, c.service),
            ]
            for (text, width) in cells where width > 0 {
                var cellStyle = style
                if failed && width == c.status { cellStyle.isBold = true }
                canvas.draw(text, x: x, y: y, limit: width, style: cellStyle)
                x += width + 1
            }
            let description = state.store.rowDescription(record, cells: body.width - x)
            canvas.draw(description.isEmpty ? state.store.rowID(record, cells: body.width - x) : description, x: x, y: y, limit: body.width - x, style: style)
        }
    }
}
