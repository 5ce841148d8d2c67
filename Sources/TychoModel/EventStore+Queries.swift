/// A query that cannot be answered as asked.
public struct QueryError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

extension EventStore {
    // MARK: - Many events

    /// The live events matching `filter`, newest first.
    public func events(matching filter: EventFilter) -> EventList {
        if filter.isEmpty { return EventList(store: self, ranks: nil) }
        let (from, to) = filter.range
        let window = rankWindow(from: from, to: to)
        var included: [[UInt32]] = []
        for term in filter.tags {
            included.append(ranks(with: term))
            if included.last?.isEmpty == true { return EventList(store: self, ranks: []) }
        }
        let excluded = filter.excludedTags.map { ranks(with: $0) }
        included.sort { $0.count < $1.count }
        let texts = filter.texts.map { Array($0.utf8) }
        if included.isEmpty && excluded.isEmpty && !texts.isEmpty {
            return EventList(store: self, ranks: positions(in: window.lower..<window.upper, endingFrom: from, containing: texts))
        }
        var result: [UInt32] = []
        var cursors = [Int](repeating: 0, count: max(included.count, excluded.count))

        func accepts(_ position: UInt32) -> Bool {
            // Checked everywhere, not only from `overlapCheckFrom` on: an event whose end_time
            // precedes its start_time can start after `from` and still end before it.
            if let from, ends[Int(timeline[Int(position)])] < from { return false }
            for k in included.indices.dropFirst() {
                cursors[k] = lowerBound(included[k], position, from: cursors[k])
                if cursors[k] == included[k].count || included[k][cursors[k]] != position { return false }
            }
            for list in excluded where binarySearch(list, position) { return false }
            if !texts.isEmpty && !matchesTexts(Int(timeline[Int(position)]), texts) { return false }
            return true
        }

        if let first = included.first {
            var k = lowerBound(first, window.lower)
            while k < first.count && first[k] < window.upper {
                if accepts(first[k]) { result.append(first[k]) }
                k += 1
            }
        } else {
            var position = window.lower
            while position < window.upper {
                if accepts(position) { result.append(position) }
                position += 1
            }
        }
        return EventList(store: self, ranks: result)
    }

    /// Tycho's `find`: events with all `tags`, overlapping `[from, to)`, newest first, one page.
    public func find(tags: [TagTerm], from: Int64? = nil, to: Int64? = nil, count: Int = 100, page: Int = 1) throws(QueryError) -> [Int] {
        try find(EventFilter(tags: tags, from: from, to: to), count: count, page: page)
    }

    /// One page of the events matching `filter`, newest first.
    public func find(_ filter: EventFilter, count: Int = 100, page: Int = 1) throws(QueryError) -> [Int] {
        guard count >= 0 else { throw QueryError(description: "count must not be negative") }
        guard page >= 1 else { throw QueryError(description: "page must be 1 or more") }
        let list = events(matching: filter)
        let (start, overflow) = (page - 1).multipliedReportingOverflow(by: count)
        guard !overflow, start < list.count else { return [] }
        return (start..<min(list.count, start + count)).map { list[$0] }
    }

    /// Timeline positions that can match a time range: `[lower, upper)`, where positions from
    /// `overlapCheckFrom` on started before `from` and match only if they are still running.
    func rankWindow(from: Int64?, to: Int64?) -> (lower: UInt32, upper: UInt32, overlapCheckFrom: UInt32) {
        let lower = to.map { firstRank(startingBefore: $0) } ?? 0
        guard let from else { return (UInt32(lower), UInt32(timeline.count), UInt32(timeline.count)) }
        let overlapCheckFrom = max(lower, firstRank(startingBefore: from))
        let (earliest, overflow) = from.subtractingReportingOverflow(longestDuration)
        let upper = overflow ? timeline.count : max(overlapCheckFrom, firstRank(startingBefore: earliest))
        return (UInt32(lower), UInt32(upper), UInt32(overlapCheckFrom))
    }

    /// The first timeline position whose start is before `time` (the timeline runs newest first).
    func firstRank(startingBefore time: Int64) -> Int {
        var low = 0, high = timeline.count
        while low < high {
            let middle = (low + high) / 2
            if starts[Int(timeline[middle])] >= time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The ascending timeline positions of live events carrying `term`.
    func ranks(with term: TagTerm) -> [UInt32] {
        switch term.key {
        case "parent_id":
            return childRecords(ofID: term.value).compactMap { rank(of: $0).map(UInt32.init) }.sorted()
        case "source_id":
            var wanted = Array(term.value.utf8)
            return wanted.withUnsafeMutableBytes { text in
                IDKey.withKey(ofText: UnsafeRawBufferPointer(text)) { key in
                    timeline.indices.compactMap { position -> UInt32? in
                        let (segment, local) = locate(Int(timeline[position]))
                        return segment.columns.withRecord(local) { $0.source == key } ? UInt32(position) : nil
                    }
                }
            }
        default:
            guard let pair = pairNumber(key: term.key, value: term.value) else { return [] }
            return Array(postings[Int(postingOffsets[Int(pair)])..<Int(postingOffsets[Int(pair) + 1])])
        }
    }

    /// Whether every (lower-cased) text occurs in the record's description or id.
    func matchesTexts(_ record: Int, _ texts: [[UInt8]]) -> Bool {
        let (segment, local) = locate(record)
        return segment.columns.withRecord(local) { blob in
            texts.allSatisfy { containsFolded(blob.description, $0) || blob.id.containsFolded($0) }
        }
    }

    // MARK: - Trees

    /// The event, its parent, and so on up to the root (a cycle or a missing parent ends it).
    public func trace(_ record: Int) -> [Int] {
        var result = [record]
        var seen: Set<Int> = [record]
        var current = record
        while let parent = parentRecord(current), seen.insert(parent).inserted {
            result.append(parent)
            current = parent
        }
        return result
    }

    /// The root of `record`'s tree: the last event of its trace.
    public func root(of record: Int) -> Int { trace(record).last ?? record }

    /// The subtree under `record`, every event once, in display order.
    public func impact(_ record: Int) -> [TreeRow] { flattenTree(root: record) { _ in true } }

    /// Tycho's tree view: the impact of the root of `record`'s trace.
    public func tree(_ record: Int) -> [TreeRow] { impact(root(of: record)) }

    /// The tree under `root` as rows (depth first, children oldest first), descending only into
    /// nodes for which `isExpanded` holds. A child already shown higher up (a parent cycle) is
    /// listed once more as a back reference and not descended into. `arrange`, if given, decides
    /// how an expanded node's children are shown: in another order, or some folded into groups.
    public func flattenTree(root: Int, isExpanded: (Int) -> Bool,
                            arrange: ((_ parent: Int, _ children: [Int]) -> [TreeEntry])? = nil) -> [TreeRow] {
        var rows: [TreeRow] = []
        // Without grouping, count the rows first (a cheap walk) so the array is made once: grown by
        // doubling, it copied a 200,000-row tree several times over and faulted in twice the memory.
        if arrange == nil { rows.reserveCapacity(treeRowCount(root: root, isExpanded: isExpanded)) }
        var shown = RecordSet(count: recordSegment.count)
        var groups: [TreeGroup] = []
        // Each entry: what to emit (a record, or `-1 - k` for `groups[k]`), its depth, its parent row,
        // and whether it is its parent's last child. Plain numbers, so pushing and popping copies
        // no references (with 200,000 rows that was a good part of the time).
        var stack: [(entry: Int, depth: Int, parentRow: Int, isLast: Bool)] = [(root, 0, -1, true)]
        while let (entry, depth, parentRow, isLast) = stack.popLast() {
            if entry < 0 {
                let group = groups[-1 - entry]
                rows.append(TreeRow(record: group.members[0], depth: depth, parentRow: parentRow, isLastChild: isLast,
                                    childCount: group.members.count, isBackReference: false, isExpanded: false, group: group))
                continue
            }
            let record = entry
            let isRepeat = !shown.insert(record)
            let childCount = self.childCount(record)
            let expands = !isRepeat && childCount > 0 && isExpanded(record)
            rows.append(TreeRow(record: record, depth: depth, parentRow: parentRow, isLastChild: isLast,
                                childCount: childCount, isBackReference: isRepeat, isExpanded: expands))
            guard expands else { continue }
            let row = rows.count - 1
            if let arrange {
                let entries = arrange(record, childRecords(record))
                for (k, child) in entries.enumerated().reversed() {
                    switch child {
                    case .event(let event):
                        stack.append((event, depth + 1, row, k == entries.count - 1))
                    case .group(let group):
                        groups.append(group)
                        stack.append((-groups.count, depth + 1, row, k == entries.count - 1))
                    }
                }
            } else {
                // Straight from the children index, last first so the first is shown first.
                let slot = Int(recordSlot[record])
                let lower = Int(childOffsets[slot]), upper = Int(childOffsets[slot + 1])
                for k in stride(from: upper - 1, through: lower, by: -1) {
                    stack.append((Int(children[k]), depth + 1, row, k == upper - 1))
                }
            }
        }
        return rows
    }
}

extension EventStore {
    /// How many rows `flattenTree(root:isExpanded:)` gives, without grouping.
    func treeRowCount(root: Int, isExpanded: (Int) -> Bool) -> Int {
        var shown = RecordSet(count: recordSegment.count)
        var stack = [root]
        var count = 0
        while let record = stack.popLast() {
            count += 1
            guard shown.insert(record), childCount(record) > 0, isExpanded(record) else { continue }
            let slot = Int(recordSlot[record])
            for k in Int(childOffsets[slot])..<Int(childOffsets[slot + 1]) { stack.append(Int(children[k])) }
        }
        return count
    }
}

/// How a child appears in a flattened tree: as itself, or folded into a group of its kind.
public enum TreeEntry: Equatable, Sendable {
    case event(Int)
    case group(TreeGroup)
}

/// Many children of one kind shown as one line (`2,000 × chef/host-upgrade, 3 failed`).
public struct TreeGroup: Equatable, Hashable, Sendable {
    /// The parent whose children these are, and what they have in common.
    public let parent: Int
    public let kind: String
    public let members: [Int]
    public let failedCount: Int

    public init(parent: Int, kind: String, members: [Int], failedCount: Int) {
        self.parent = parent
        self.kind = kind
        self.members = members
        self.failedCount = failedCount
    }
}

/// One line of a flattened tree.
public struct TreeRow: Equatable, Sendable {
    public let record: Int
    public let depth: Int
    /// The row of the parent, or -1 for the root.
    public let parentRow: Int
    public let isLastChild: Bool
    public let childCount: Int
    /// The event is shown elsewhere in this tree (its parents form a cycle); not expanded here.
    public let isBackReference: Bool
    public let isExpanded: Bool
    /// Set when the row stands for a group of siblings rather than one event.
    public var group: TreeGroup? = nil

    init(record: Int, depth: Int, parentRow: Int, isLastChild: Bool, childCount: Int, isBackReference: Bool,
         isExpanded: Bool, group: TreeGroup? = nil) {
        self.record = record
        self.depth = depth
        self.parentRow = parentRow
        self.isLastChild = isLastChild
        self.childCount = childCount
        self.isBackReference = isBackReference
        self.isExpanded = isExpanded
        self.group = group
    }
}

func binarySearch(_ sorted: [UInt32], _ value: UInt32) -> Bool {
    let k = lowerBound(sorted, value)
    return k < sorted.count && sorted[k] == value
}

