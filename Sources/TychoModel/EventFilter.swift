/// Which events to show: tags that must all match, tags that must not, a time range, and
/// words that must appear in the description or id.
public struct EventFilter: Equatable, Sendable {
    /// `key:value` tags that must all match; `parent_id` and `source_id` work as keys, as in Tycho.
    public var tags: [TagTerm] = []
    /// Tags that must not match.
    public var excludedTags: [TagTerm] = []
    /// Overlap with `[from, to)`: an event matches when `start < to` and `end >= from`.
    public var from: Int64?
    public var to: Int64?
    /// Lower-cased words or phrases, each of which must occur in the description or the id.
    public var texts: [String] = []
    /// The time something broke (`at:`): the range is the window around it (within `since:`/`until:`).
    public var anchor: Int64?
    /// How far before and after the anchor to look (`window:60m+15m`).
    public var window = TimeWindow()

    public init(tags: [TagTerm] = [], excludedTags: [TagTerm] = [], from: Int64? = nil, to: Int64? = nil, texts: [String] = []) {
        self.tags = tags
        self.excludedTags = excludedTags
        self.from = from
        self.to = to
        self.texts = texts.map { $0.lowercased() }
    }

    public var isEmpty: Bool { tags.isEmpty && excludedTags.isEmpty && range.from == nil && range.to == nil && texts.isEmpty }

    /// The time range in force: `since:`/`until:` and the window around the anchor, both
    /// holding (every term of a filter must), so `since:` can only narrow a window.
    public var range: (from: Int64?, to: Int64?) {
        guard let anchor else { return (from, to) }
        let (windowFrom, windowTo) = (anchor - window.before, anchor + window.after)
        return (from.map { max($0, windowFrom) } ?? windowFrom, to.map { min($0, windowTo) } ?? windowTo)
    }
}

/// How far before and after an anchor time to look; 60 minutes before and 15 after by default.
public struct TimeWindow: Equatable, Sendable {
    public var before: Int64 = 60 * 60_000
    public var after: Int64 = 15 * 60_000

    public init(before: Int64 = 60 * 60_000, after: Int64 = 15 * 60_000) {
        self.before = before
        self.after = after
    }

    /// The window scaled by `factor` (zooming).
    public func scaled(by factor: Double) -> TimeWindow {
        // Between a minute and 100 years a side: zooming out cannot overflow the times.
        func scale(_ value: Int64) -> Int64 { Int64(min(Double(Self.widest), max(60_000, (Double(value) * factor).rounded()))) }
        return TimeWindow(before: scale(before), after: after == 0 ? 0 : scale(after))
    }

    static let widest: Int64 = 100 * 366 * 86_400_000
}

/// A `key:value` tag in a query.
public struct TagTerm: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Splits `key:value` at the first colon, as Tycho does; nil without one.
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        key = String(text[..<colon])
        value = String(text[text.index(after: colon)...])
    }

    public var description: String { "\(key):\(value)" }
}

/// The events that match a filter, newest first, without copying when all match.
public struct EventList: Sendable {
    /// Timeline ranks, ascending; nil means "ranks 0..<count".
    let ranks: [UInt32]?
    public let count: Int
    let store: EventStore

    init(store: EventStore, ranks: [UInt32]?) {
        self.store = store
        self.ranks = ranks
        self.count = ranks?.count ?? store.count
    }

    /// The record at position `index` (0 = newest).
    public subscript(index: Int) -> Int {
        store.record(atRank: ranks.map { Int($0[index]) } ?? index)
    }

    /// The position of `record` in this list, if it is in it.
    public func position(of record: Int) -> Int? {
        guard let rank = store.rank(of: record) else { return nil }
        guard let ranks else { return rank }
        let k = lowerBound(ranks, UInt32(rank))
        return k < ranks.count && ranks[k] == UInt32(rank) ? k : nil
    }

    public var isEmpty: Bool { count == 0 }
}

/// The first index of `sorted` whose element is not less than `value`.
func lowerBound(_ sorted: [UInt32], _ value: UInt32, from start: Int = 0) -> Int {
    var low = start, high = sorted.count
    while low < high {
        let middle = (low + high) / 2
        if sorted[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low
}
