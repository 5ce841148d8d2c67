/// One change event, with every field, as Tycho returns it.
public struct Event: Equatable, Sendable {
    public var id: String
    /// The parent's id, or "" for none.
    public var parentID: String
    /// The producer's own id for this event, or "".
    public var sourceID: String
    /// UTC milliseconds since 1970.
    public var startTime: Int64
    public var endTime: Int64
    public var description: String
    /// Named links, in the order given.
    public var detailURLs: [NamedURL]
    /// Tag keys with their values, in the order given.
    public var tags: [Tag]

    public init(id: String, parentID: String = "", sourceID: String = "", startTime: Int64, endTime: Int64,
                description: String = "", detailURLs: [NamedURL] = [], tags: [Tag] = []) {
        self.id = id
        self.parentID = parentID
        self.sourceID = sourceID
        self.startTime = startTime
        self.endTime = endTime
        self.description = description
        self.detailURLs = detailURLs
        self.tags = tags
    }

    /// The values of tag `key` (empty when absent).
    public func values(of key: String) -> [String] {
        tags.first { $0.key == key }?.values ?? []
    }
}

/// A tag key and its values.
public struct Tag: Equatable, Sendable {
    public var key: String
    public var values: [String]

    public init(_ key: String, _ values: [String]) {
        self.key = key
        self.values = values
    }
}

/// One entry of `detail_urls`.
public struct NamedURL: Equatable, Sendable {
    public var name: String
    public var url: String

    public init(_ name: String, _ url: String) {
        self.name = name
        self.url = url
    }
}
