/// An event as a writer submits it: only the fields it gave (nil = not given).
public struct EventDraft: Equatable, Sendable {
    public var id: String?
    public var parentID: String?
    public var sourceID: String?
    public var startTime: Int64?
    public var endTime: Int64?
    public var description: String?
    public var detailURLs: [NamedURL]?
    public var tags: [Tag]?

    public init(id: String? = nil, parentID: String? = nil, sourceID: String? = nil, startTime: Int64? = nil, endTime: Int64? = nil,
                description: String? = nil, detailURLs: [NamedURL]? = nil, tags: [Tag]? = nil) {
        self.id = id
        self.parentID = parentID
        self.sourceID = sourceID
        self.startTime = startTime
        self.endTime = endTime
        self.description = description
        self.detailURLs = detailURLs
        self.tags = tags
    }

    /// Input that is not a valid event.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Reads what `tycho put` and `tycho post` are given: one event object (it may span lines),
    /// or `{"event": {...}}`, or JSON lines of either. Uses the loader's own scanner.
    public static func parseInput(_ bytes: [UInt8]) throws(Invalid) -> [EventDraft] {
        var parser = EventLineParser()
        var columns = SegmentColumns()
        let whole: Result<GivenFields, LineError> = bytes.withUnsafeBytes { raw in
            Result { () throws(LineError) in try parser.parseGivenFields(raw, into: &columns) }
        }
        if case .success(let fields) = whole { return [draft(fields, columns)] }
        var drafts: [EventDraft] = []
        var lineNumber = 0
        for line in bytes.split(separator: Byte.newline, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let result: Result<GivenFields, LineError> = line.withUnsafeBytes { raw in
                Result { () throws(LineError) in try parser.parseGivenFields(raw, into: &columns) }
            }
            switch result {
            case .success(let fields): drafts.append(draft(fields, columns))
            case .failure(let error): throw Invalid(description: "input line \(lineNumber): \(error.reason)")
            }
        }
        if drafts.isEmpty { throw Invalid(description: "no event in the input") }
        return drafts
    }

    private static func draft(_ fields: GivenFields, _ columns: SegmentColumns) -> EventDraft {
        let arena = columns.arena
        var draft = EventDraft(id: fields.id.map(arena.string), parentID: fields.parent.map(arena.string),
                               sourceID: fields.source.map(arena.string), startTime: fields.start, endTime: fields.end,
                               description: fields.description.map(arena.string))
        if let blob = fields.detailURLs {
            var links: [NamedURL] = []
            for (name, url) in arena.withBytes(blob, { URLBlob.decode($0) }) {
                if let k = links.firstIndex(where: { $0.name == name }) { links[k].url = url } else { links.append(NamedURL(name, url)) }
            }
            draft.detailURLs = links
        }
        if let pairs = fields.tagPairs {
            var tags: [Tag] = []
            for pair in pairs {
                let key = columns.tagArena.string(columns.keyNames[Int(columns.pairKeys[Int(pair)])])
                let value = columns.tagArena.string(columns.pairValues[Int(pair)])
                if let k = tags.firstIndex(where: { $0.key == key }) { tags[k].values.append(value) } else { tags.append(Tag(key, [value])) }
            }
            draft.tags = tags
        }
        return draft
    }
}
