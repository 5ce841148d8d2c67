import TychoModel

/// A full-screen view with a title, scrolled text lines and a closing hint.
enum OverlayView {
    static func draw(title: String, lines: [String], scroll: Int, into canvas: inout Canvas) {
        let width = canvas.width, height = canvas.height
        canvas.fill(x: 0, y: 0, width: width, height: height)
        canvas.fill(x: 0, y: 0, width: width, height: 1, style: .reverse)
        canvas.draw(" " + title, x: 0, y: 0, style: Style(isBold: true, isReverse: true))
        let bodyHeight = height - 2
        let top = max(0, min(scroll, lines.count - bodyHeight))
        for (row, line) in lines.dropFirst(top).prefix(bodyHeight).enumerated() {
            canvas.draw(line, x: 1, y: row + 1, limit: width - 2)
        }
        canvas.fill(x: 0, y: height - 1, width: width, height: 1, style: .reverse)
        let position = lines.count > bodyHeight ? "  lines \(top + 1)–\(min(lines.count, top + bodyHeight)) of \(lines.count), j/k to scroll" : ""
        canvas.draw(" q or Esc to close" + position, x: 0, y: height - 1, style: .reverse)
    }
}

/// The help screen, written from the key map.
enum HelpText {
    static func lines() -> [String] {
        var lines: [String] = []
        for context in [KeyMap.Context.everywhere, .list, .tree, .incident, .overlay, .filter] {
            lines.append(context.rawValue)
            var seen: Set<String> = []
            for binding in KeyMap.bindings where binding.context == context && seen.insert(binding.label).inserted {
                lines.append("  " + binding.label.padding(12) + binding.help)
            }
            lines.append("")
        }
        lines += [
            "Filter syntax (all terms must hold)",
            "  key:value     a tag (exact value), e.g. environment:production status:fail",
            "  -key:value    leave out events with that tag",
            "  since:2h      started or still running in the last 2 hours (90s 15m 3d 1w today yesterday 14:05 ISO)",
            "  until:T       started before T",
            "  at:14:05      anchor: the window around that time (local clock time, or ISO), a marker row",
            "  window:60m+15m  how far before and after the anchor to look (default 60m+15m)",
            "  word \"a phrase\"  text in the description or id, any case",
        ]
        return lines
    }
}

/// Every field of one event.
enum DetailText {
    static func lines(_ record: Int, store: EventStore, width: Int) -> [String] {
        let event = store.event(record)
        let location = store.location(record)
        var lines = [
            "id           \(event.id)",
            "parent_id    \(event.parentID.isEmpty ? "(none)" : event.parentID)" + (event.parentID.isEmpty || store.record(id: event.parentID) != nil ? "" : "  (not in the data)"),
            "source_id    \(event.sourceID.isEmpty ? "(none)" : event.sourceID)",
            "start_time   \(Format.fullTime(event.startTime))   \(Timestamp.format(event.startTime))",
            "end_time     \(Format.fullTime(event.endTime))   duration \(Format.span(from: event.startTime, to: event.endTime))\(event.endTime < event.startTime ? " (ends before it starts)" : "")",
            "children     \(store.childCount(record))",
            "read from    \(location.file):\(location.line)",
            "",
            "description",
        ]
        // A huge description is shown in part: the detail view must open at once.
        let shownLimit = 64 << 10
        let description = event.description.utf8.count > shownLimit ? String(event.description.prefix(shownLimit)) : event.description
        for paragraph in description.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += wrap(String(paragraph), width: max(10, width - 2)).map { "  " + $0 }
        }
        if description.count < event.description.count {
            lines.append("  … \(Format.count(event.description.utf8.count - description.utf8.count)) more bytes: tycho get \(event.id)")
        }
        lines += ["", "detail_urls"]
        lines += event.detailURLs.isEmpty ? ["  (none)"] : event.detailURLs.flatMap { wrap("\($0.name.padding(12)) \($0.url)", width: width - 2).map { "  " + $0 } }
        lines += ["", "tags"]
        lines += event.tags.isEmpty ? ["  (none)"] : event.tags.flatMap { wrap("\($0.key.padding(12)) \($0.values.joined(separator: ", "))", width: width - 2).map { "  " + $0 } }
        return lines.flatMap { DisplayWidth.of(SafeText.visible($0)) > width + 2 ? wrap($0, width: width) : [$0] }
    }

    /// Splits text into lines of at most `width` cells, at spaces where possible; a word longer
    /// than a line is broken (a URL or an id must still be readable to its end).
    static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false).flatMap({ breakWord(String($0), width) }) {
            let wordWidth = DisplayWidth.of(SafeText.visible(word))
            if currentWidth > 0 && currentWidth + 1 + wordWidth > width {
                lines.append(current)
                current = ""
                currentWidth = 0
            }
            if currentWidth > 0 {
                current += " "
                currentWidth += 1
            }
            current += word
            currentWidth += wordWidth
        }
        lines.append(current)
        return lines
    }
}

extension DetailText {
    /// `word` in pieces of at most `width` cells (as shown, escapes included).
    static func breakWord(_ word: String, _ width: Int) -> [String] {
        let visible = SafeText.visible(word)
        guard DisplayWidth.of(visible) > width else { return [word] }
        var pieces: [String] = []
        var piece = ""
        var used = 0
        for character in visible {
            let cells = DisplayWidth.of(character)
            if used + cells > width && !piece.isEmpty {
                pieces.append(piece)
                piece = ""
                used = 0
            }
            piece.append(character)
            used += cells
        }
        if !piece.isEmpty { pieces.append(piece) }
        return pieces
    }
}

/// The lines that could not be read, as `file:line: reason`.
enum ProblemsText {
    static func lines(_ store: EventStore) -> [String] {
        store.problems.isEmpty ? ["Every line was read."] : store.problems.map(\.description)
    }
}

extension String {
    /// The string followed by spaces up to `width` cells, measured as drawn (escaped, wide
    /// characters counted twice), so the next column lines up whatever the text holds.
    func padding(_ width: Int) -> String {
        let cells = DisplayWidth.of(SafeText.visible(self))
        return cells >= width ? self + " " : self + String(repeating: " ", count: width - cells)
    }
}

/// The facets view: for each tag key, the commonest values among the filtered events.
enum FacetText {
    /// Lines, and for each choosable line its index among the choices.
    static func lines(_ facets: [Facet], selected: Int) -> [(text: String, choice: Int?)] {
        var lines: [(String, Int?)] = []
        var choice = 0
        for facet in facets {
            lines.append((facet.key, nil))
            for (value, count) in facet.values {
                let marker = choice == selected ? "▶ " : "  "
                lines.append((marker + value.padding(30) + " " + Format.count(count), choice))
                choice += 1
            }
        }
        if lines.isEmpty { lines.append(("no tags to count: no event matches the filter, or none has tags (Esc closes)", nil)) }
        return lines
    }
}
