/// Every event of a data directory, indexed: by id, by tag, by time, and parent → children.
///
/// A store is an immutable snapshot built from parsed segments; loading more data (or
/// following appended lines) builds a new one. Events are numbered by *record*: the position
/// of their line among all lines read. Only the newest record of an id is live.
public final class EventStore: @unchecked Sendable {
    /// The files the records came from, in name order.
    public let files: [DataFile]
    let segments: [Segment]
    /// Lines that could not be read, in file and line order.
    public let problems: [LoadProblem]

    // Per record: its segment, and its times. Records are numbered segment after segment;
    // `segmentBase[s]` is the first record of segment `s`.
    let recordSegment: [UInt32]
    let segmentBase: [Int]
    let starts: [Int64]
    let ends: [Int64]
    /// The id slot of each record, and of its parent (`noSlot` when it names none).
    let recordSlot: [UInt32]
    let parentSlot: [UInt32]

    // Ids: a slot per distinct id that a record has or names as its parent. The hash index is
    // split by hash into parts built in parallel; entry e of part p is slot `slotBase[p] + e`.
    let idIndexes: [HashIndex]
    let slotBase: [UInt32]
    /// The record that first named each slot's id: `record << 1`, plus 1 when it named it as its parent.
    let slotOwner: [UInt32]
    /// Slot → the live record holding it (-1: deleted, or only named as a parent).
    let slotRecord: [Int32]

    /// Live records, newest `start_time` first (ties: id ascending), and each record's position there.
    let timeline: [UInt32]
    let rank: [UInt32]
    /// The longest duration of any live event, which bounds how far back a time query looks.
    let longestDuration: Int64

    // Tags: interned keys and key:value pairs, each pair's live events as ascending ranks.
    let tagArena: [UInt8]
    let keyNames: [StringRef]
    let keyIndex: HashIndex
    let pairKey: [UInt32]
    let pairValue: [StringRef]
    let pairIndex: HashIndex
    let pairRemap: [[UInt32]]  // per segment: local pair → global pair
    let postingOffsets: [UInt32]
    let postings: [UInt32]

    /// Children of each slot, oldest first, as records.
    let childOffsets: [UInt32]
    let children: [UInt32]

    static let noSlot = UInt32.max
    static let notLive = UInt32.max

    init(files: [DataFile], segments: [Segment], problems: [LoadProblem], parts: Parts) {
        self.files = files
        self.segments = segments
        self.problems = problems
        recordSegment = parts.recordSegment
        segmentBase = parts.segmentBase
        starts = parts.starts
        ends = parts.ends
        recordSlot = parts.recordSlot
        parentSlot = parts.parentSlot
        idIndexes = parts.idIndexes
        slotBase = parts.slotBase
        slotOwner = parts.slotOwner
        slotRecord = parts.slotRecord
        timeline = parts.timeline
        rank = parts.rank
        longestDuration = parts.longestDuration
        tagArena = parts.tagArena
        keyNames = parts.keyNames
        keyIndex = parts.keyIndex
        pairKey = parts.pairKey
        pairValue = parts.pairValue
        pairIndex = parts.pairIndex
        pairRemap = parts.pairRemap
        postingOffsets = parts.postingOffsets
        postings = parts.postings
        childOffsets = parts.childOffsets
        children = parts.children
    }

    /// A store with no events (what the browser shows before the first data arrives).
    public static func empty() -> EventStore { EventStore(files: [], segments: []) }

    /// A last line without its newline that does not parse, per file: a write in progress to
    /// the browser (it reads the line again when it is whole), but a one-shot `check` says so.
    public var unfinishedLines: [LoadProblem] {
        segments.filter(\.hasPendingLine).map { segment in
            LoadProblem(file: files[segment.fileIndex].name, line: segment.firstLine + segment.lineCount,
                        reason: "the last line has no newline and does not parse (a write still going on, or a cut-off file)")
        }
    }

    /// How many events are live (the newest record of each id, not deleted).
    public var count: Int { timeline.count }

    /// The live event at position `rank` of the timeline (0 = newest).
    @inline(__always)
    public func record(atRank rank: Int) -> Int { Int(timeline[rank]) }

    /// The timeline position of a live record.
    public func rank(of record: Int) -> Int? {
        let value = rank[record]
        return value == Self.notLive ? nil : Int(value)
    }

    // MARK: - Fields of a record

    /// The segment holding `record`, and the record's number there.
    @inline(__always)
    func locate(_ record: Int) -> (segment: Segment, local: Int) {
        let segment = Int(recordSegment[record])
        return (segments[segment], record - segmentBase[segment])
    }

    public func id(_ record: Int) -> String {
        let (segment, local) = locate(record)
        return segment.columns.withRecord(local) { $0.id.string }
    }

    public func parentID(_ record: Int) -> String {
        let (segment, local) = locate(record)
        return segment.columns.withParentID(local) { $0.string }
    }

    public func sourceID(_ record: Int) -> String {
        let (segment, local) = locate(record)
        return segment.columns.withRecord(local) { $0.source.string }
    }

    public func description(_ record: Int) -> String {
        let (segment, local) = locate(record)
        return segment.columns.withRecord(local) { String(decoding: $0.description, as: UTF8.self) }
    }

    /// The length of a record's description in UTF-8 bytes, without copying it.
    public func descriptionByteCount(_ record: Int) -> Int {
        let (segment, local) = locate(record)
        return segment.columns.withRecord(local) { $0.description.count }
    }

    /// At most the first `limit` bytes of a record's description (never half a character), and
    /// whether there was more: what a screen row shows, without copying a 100 MB description
    /// on every frame.
    public func description(_ record: Int, prefixBytes limit: Int) -> (text: String, isCut: Bool) {
        let (segment, local) = locate(record)
        return segment.columns.withRecord(local) { Self.prefix(of: $0.description, bytes: limit) }
    }

    /// At most the first `limit` bytes of a record's id (a UUID whole), and whether there was more.
    public func id(_ record: Int, prefixBytes limit: Int) -> (text: String, isCut: Bool) {
        let (segment, local) = locate(record)
        return segment.columns.withRecord(local) { blob in
            blob.id.isUUID ? (blob.id.string, false) : Self.prefix(of: blob.id.bytes, bytes: limit)
        }
    }

    /// The longest start of UTF-8 `bytes` of at most `limit` bytes that ends on a character's first byte.
    static func prefix(of bytes: UnsafeRawBufferPointer, bytes limit: Int) -> (text: String, isCut: Bool) {
        guard bytes.count > limit else { return (String(decoding: bytes, as: UTF8.self), false) }
        var end = max(0, limit)
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }  // a continuation byte: back to its lead
        return (String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self), true)
    }

    public func startTime(_ record: Int) -> Int64 { starts[record] }
    public func endTime(_ record: Int) -> Int64 { ends[record] }

    /// The global tag pairs of a record, in the order given.
    func pairs(_ record: Int) -> [UInt32] {
        let (segment, local) = locate(record)
        let remap = pairRemap[Int(recordSegment[record])]
        var pairs: [UInt32] = []
        segment.columns.arena.withUnsafeBytes { arena in
            RecordBlob.forEachTag(arena: arena, at: Int(segment.columns.blobOffsets[local])) { pairs.append(remap[Int($0)]) }
        }
        return pairs
    }

    /// The record's tags, grouped by key in the order the keys first appear.
    public func tags(_ record: Int) -> [Tag] {
        var result: [Tag] = []
        for pair in pairs(record) {
            let key = tagArena.string(keyNames[Int(pairKey[Int(pair)])])
            let value = tagArena.string(pairValue[Int(pair)])
            if let k = result.firstIndex(where: { $0.key == key }) {
                result[k].values.append(value)
            } else {
                result.append(Tag(key, [value]))
            }
        }
        return result
    }

    /// The values of tag `key` on a record, cheaply (for list columns).
    public func tagValues(_ record: Int, key: String) -> [String] {
        guard let keyNumber = keyNumber(key) else { return [] }
        return pairs(record).filter { pairKey[Int($0)] == keyNumber }.map { tagArena.string(pairValue[Int($0)]) }
    }

    /// The first value of tag `key` on a record, or "".
    public func firstTagValue(_ record: Int, key: String) -> String {
        tagValues(record, key: key).first ?? ""
    }

    public func detailURLs(_ record: Int) -> [NamedURL] {
        let (segment, local) = locate(record)
        var result: [NamedURL] = []
        for (name, url) in segment.columns.withRecord(local, { URLBlob.decode($0.detailURLs) }) {
            if let k = result.firstIndex(where: { $0.name == name }) { result[k].url = url } else { result.append(NamedURL(name, url)) }
        }
        return result
    }

    /// Every field of a record.
    public func event(_ record: Int) -> Event {
        Event(id: id(record), parentID: parentID(record), sourceID: sourceID(record), startTime: starts[record],
              endTime: ends[record], description: description(record), detailURLs: detailURLs(record), tags: tags(record))
    }

    /// Where a record's line is: file name and line number.
    public func location(_ record: Int) -> (file: String, line: Int) {
        let (segment, local) = locate(record)
        let line = Int(segment.columns.lineNumbers[local]) + segment.firstLine - 1
        return (files[segment.fileIndex].name, line)
    }

    // MARK: - Lookups

    /// The slot of `id`, if any record has it or names it as a parent.
    func slot(of id: String) -> UInt32? {
        var id = id
        return id.withUTF8 { bytes in IDKey.withKey(ofText: UnsafeRawBufferPointer(bytes)) { slot(of: $0) } }
    }

    /// The slot of the id whose key is `key`, if any.
    func slot(of key: IDKey) -> UInt32? {
        let hash = key.hash
        let part = idPart(hash, parts: idIndexes.count)
        let entry = idIndexes[part].find(hash) { entry in
            withSlotID(Int(slotBase[part] + entry)) { $0 == key }
        }
        return entry.map { slotBase[part] + $0 }
    }

    /// Calls `body` with the id of `slot`.
    func withSlotID<R>(_ slot: Int, _ body: (IDKey) -> R) -> R {
        let owner = slotOwner[slot]
        let (segment, local) = locate(Int(owner >> 1))
        return owner & 1 == 0 ? segment.columns.withRecord(local) { body($0.id) } : segment.columns.withParentID(local, body)
    }

    /// The live record with `id`.
    public func record(id: String) -> Int? {
        guard let slot = slot(of: id) else { return nil }
        let record = slotRecord[Int(slot)]
        return record < 0 ? nil : Int(record)
    }

    /// The live parent record of `record`, if its parent exists.
    public func parentRecord(_ record: Int) -> Int? {
        let slot = parentSlot[record]
        guard slot != Self.noSlot else { return nil }
        let parent = slotRecord[Int(slot)]
        return parent < 0 ? nil : Int(parent)
    }

    /// Direct children of the event with `id` (which need not exist), oldest first.
    public func childRecords(ofID id: String) -> [Int] {
        guard let slot = slot(of: id) else { return [] }
        return childRecords(ofSlot: slot)
    }

    /// Direct children of `record`, oldest first.
    public func childRecords(_ record: Int) -> [Int] { childRecords(ofSlot: recordSlot[record]) }

    /// How many direct children `record` has.
    public func childCount(_ record: Int) -> Int {
        let slot = Int(recordSlot[record])
        return Int(childOffsets[slot + 1] - childOffsets[slot])
    }

    func childRecords(ofSlot slot: UInt32) -> [Int] {
        let slot = Int(slot)
        return (Int(childOffsets[slot])..<Int(childOffsets[slot + 1])).map { Int(children[$0]) }
    }

    func keyNumber(_ key: String) -> UInt32? {
        var key = key
        return key.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            let hash = hashBytes(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, raw.count)
            return keyIndex.find(hash) { tagArena.bytesEqual(keyNames[Int($0)], raw) }
        }
    }

    func pairNumber(key: String, value: String) -> UInt32? {
        guard let keyNumber = keyNumber(key) else { return nil }
        var value = value
        return value.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            let hash = hashBytes(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, raw.count, seed: UInt64(keyNumber) &+ 0x1234_5678_9ABC)
            return pairIndex.find(hash) { pairKey[Int($0)] == keyNumber && tagArena.bytesEqual(pairValue[Int($0)], raw) }
        }
    }

    /// Live events per tag `key:value` (for counts, completion and facets).
    public func postingCount(pair: UInt32) -> Int { Int(postingOffsets[Int(pair) + 1] - postingOffsets[Int(pair)]) }

    /// Tag keys that some live event has, sorted.
    public var tagKeys: [String] {
        var used = [Bool](repeating: false, count: keyNames.count)
        for pair in 0..<pairKey.count where postingCount(pair: UInt32(pair)) > 0 { used[Int(pairKey[pair])] = true }
        return keyNames.indices.filter { used[$0] }.map { tagArena.string(keyNames[$0]) }.sorted()
    }

    /// The values of tag `key` with how many live events carry each, most common first.
    public func tagValueCounts(key: String) -> [(value: String, count: Int)] {
        guard let keyNumber = keyNumber(key) else { return [] }
        var result: [(value: String, count: Int)] = []
        for pair in 0..<pairKey.count where pairKey[pair] == keyNumber {
            let count = postingCount(pair: UInt32(pair))
            if count > 0 { result.append((tagArena.string(pairValue[pair]), count)) }
        }
        return result.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
    }
}
