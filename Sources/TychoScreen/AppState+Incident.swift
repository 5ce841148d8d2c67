import Foundation
import TychoModel

/// Counts of the filtered events by one tag key, biggest first.
public struct Facet: Equatable, Sendable {
    public let key: String
    public let values: [(value: String, count: Int)]

    public static func == (a: Facet, b: Facet) -> Bool {
        a.key == b.key && a.values.map(\.value) == b.values.map(\.value) && a.values.map(\.count) == b.values.map(\.count)
    }
}

/// How many filtered events start in each slice of the time range, and how many of them failed.
public struct Histogram: Equatable, Sendable {
    public let from: Int64
    public let to: Int64
    public let counts: [Int]
    public let failures: [Int]

    public static let empty = Histogram(from: 0, to: 0, counts: [], failures: [])

    /// The bucket a time falls in, if inside the range.
    public func bucket(of time: Int64) -> Int? {
        guard !counts.isEmpty, to > from, time >= from, time <= to else { return nil }
        return min(counts.count - 1, Int(Double(time - from) / Double(to - from) * Double(counts.count)))
    }
}

extension AppState {
    /// Tag keys offered as facets first, when present; others follow by name.
    static let preferredFacetKeys = ["service", "environment", "source", "status", "type", "author", "host"]

    /// The list position where the anchor's marker row goes: the first event starting at or before it.
    public var markerIndex: Int {
        guard let anchor = filter.anchor else { return 0 }
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if store.startTime(list[middle]) > anchor { low = middle + 1 } else { high = middle }
        }
        return low
    }

    // MARK: - Time

    /// Zooms the window around the anchor; without one, anchors at the selected event first.
    mutating func zoom(by factor: Double) {
        var zoomed = filter
        if zoomed.anchor == nil {
            guard let record = selectedRecord else { return }
            zoomed.anchor = store.startTime(record)
        }
        zoomed.window = zoomed.window.scaled(by: factor)
        applyFilter(zoomed.viewString)
    }

    // MARK: - Failures

    func isFailed(_ record: Int) -> Bool { isFailure(store.firstTagValue(record, key: "status")) }

    /// Moves to the next (1) or previous (-1) failed event in the focused pane.
    mutating func jumpToFailure(_ direction: Int) {
        switch focus {
        case .list:
            var position = listScroll.selected + direction
            while position >= 0 && position < list.count {
                if isFailed(list[position]) {
                    listScroll.select(position, count: list.count, visibleRows: listRows)
                    refreshTree()
                    if !newIDs.isEmpty, let record = selectedRecord { newIDs.remove(store.id(record)) }
                    return
                }
                position += direction
            }
        case .tree:
            var row = tree.scroll.selected + direction
            while row >= 0 && row < tree.rows.count {
                let candidate = tree.rows[row]
                let isFailedRow = candidate.group.map { $0.failedCount > 0 } ?? (!candidate.isBackReference && isFailed(candidate.record))
                if isFailedRow {
                    tree.scroll.select(row, count: tree.rows.count, visibleRows: layout.tree.height)
                    return
                }
                row += direction
            }
        }
        switch focus {
        case .list: notice = direction > 0 ? "no older failure below" : "no newer failure above"
        case .tree: notice = "no failure \(direction > 0 ? "below" : "above") in this tree"
        }
    }

    // MARK: - Marks

    var focusedRecord: Int? { focus == .tree ? treeCursorRecord : selectedRecord }

    mutating func toggleMark() {
        guard let record = focusedRecord else { return }
        let id = store.id(record)
        // The status line counts the marks; the notice says what this key did.
        if marked.remove(id) == nil {
            marked.insert(id)
            notice = "marked \(id) (M copies every mark as a Markdown timeline)"
        } else {
            notice = "unmarked \(id)"
        }
    }

    // MARK: - Export

    mutating func requestExport(_ path: String) {
        guard !path.isEmpty else {
            notice = "type a file name to export to (Esc cancels)"
            return
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard !isInsideDataDirectory(absolute) else {
            notice = "not inside the data directory (it would be read back as events): choose another place"
            return
        }
        editor = nil
        effects.append(.export(path: absolute, overwrite: false))
    }

    /// Browsing never writes to the data directory: an export there would be read back as data.
    func isInsideDataDirectory(_ path: String) -> Bool {
        let data = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        return (URL(fileURLWithPath: path).standardizedFileURL.path + "/").hasPrefix(data + "/")
    }

    /// Where an export goes unless the user types another place: the working directory, or the
    /// home directory when that is inside the data directory (`tycho --data .`).
    func defaultExportPath(workingDirectory: String, home: String) -> String {
        let directory = isInsideDataDirectory(workingDirectory) ? home : workingDirectory
        return (directory.hasSuffix("/") ? directory : directory + "/") + "tycho-export.jsonl"
    }

    /// The run loop found the file exists: ask before overwriting it.
    public mutating func askToOverwrite(_ path: String) {
        pendingOverwrite = path
        notice = "\(path) exists: overwrite it? (y/n)"
    }

    mutating func confirmOverwrite(_ isConfirmed: Bool) {
        guard let path = pendingOverwrite else { return }
        pendingOverwrite = nil
        if isConfirmed {
            effects.append(.export(path: path, overwrite: true))
        } else {
            notice = "export cancelled"
        }
    }

    // MARK: - Facets

    /// Every (key, value) row of the facets view, in display order.
    var facetChoices: [(key: String, value: String)] {
        facets.flatMap { facet in facet.values.map { (facet.key, $0.value) } }
    }

    mutating func openFacets() {
        var counts: [String: [String: Int]] = [:]
        let sample = list.count
        for position in 0..<sample {
            for tag in store.tags(list[position]) {
                for value in tag.values { counts[tag.key, default: [:]][value, default: 0] += 1 }
            }
        }
        let keys = Self.preferredFacetKeys.filter { counts[$0] != nil } + counts.keys.filter { !Self.preferredFacetKeys.contains($0) }.sorted()
        facets = keys.map { key in
            Facet(key: key, values: counts[key, default: [:]].sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(12).map { (value: $0.key, count: $0.value) })
        }
        open(.facets)
    }

    mutating func chooseFacet(isExcluded: Bool) {
        let choices = facetChoices
        guard overlay == .facets, choices.indices.contains(overlayScroll) else { return }
        let choice = choices[overlayScroll]
        overlay = nil
        let term = TagTerm(key: choice.key, value: choice.value).filterTerm(isExcluded: isExcluded)
        applyFilter(filterText.isEmpty ? term : filterText + " " + term)
    }

    // MARK: - Histogram

    /// Buckets the filtered events over the filter's range (or their own span) for the strip.
    mutating func rebuildHistogram() {
        let buckets = max(0, layout.width - 34)  // room for a 16-cell time label and a space at each end
        guard buckets > 0, !list.isEmpty else {
            histogram = .empty
            return
        }
        let range = filter.range
        let from = range.from ?? store.startTime(list[list.count - 1])
        let to = max(from + 1, range.to ?? store.startTime(list[0]))
        var counts = [Int](repeating: 0, count: buckets)
        var failures = [Int](repeating: 0, count: buckets)
        let span = Double(to - from)
        func bucket(_ time: Int64) -> Int { max(0, min(buckets - 1, Int(Double(time - from) / span * Double(buckets)))) }
        for position in 0..<list.count { counts[bucket(store.startTime(list[position]))] += 1 }
        for status in store.tagValueCounts(key: "status").map(\.value) where isFailure(status) {
            let failed = store.events(matching: EventFilter(tags: [TagTerm(key: "status", value: status)]))
            for k in 0..<failed.count where list.position(of: failed[k]) != nil {
                failures[bucket(store.startTime(failed[k]))] += 1
            }
        }
        histogram = Histogram(from: from, to: to, counts: counts, failures: failures)
    }
}

extension String {
    /// Text safe inside a Markdown table cell: one line, pipes escaped. Prose (a description)
    /// has its line breaks as spaces, which read better in a row; an exact value (an id) shows
    /// them as `\n`, so the cell still names the event. By scalars: `"\r\n"` is one Character.
    func markdownCell(isExact: Bool = false) -> String {
        let oneLine = isExact ? self : String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : $0 }))
        return SafeText.visible(oneLine).replacingAll("|", with: "\\|")
    }

    func replacingUTC() -> String { hasSuffix(" UTC") ? String(dropLast(4)) : self }

    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
