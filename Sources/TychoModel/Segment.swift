/// The records parsed from one stretch of one data file, stored column by column.
///
/// A segment is built by one thread and never changed after; the store indexes many of them.
/// Event strings live in `arena`; tag keys and values are interned per segment in `tagArena`
/// (and mapped to the store's global tag numbers when the store is built).
public final class Segment: @unchecked Sendable {
    /// Which file (an index into the store's file list) and which byte range of it was read.
    public let fileIndex: Int
    public let startOffset: Int
    /// Where reading stopped: the end of the last complete line.
    public let endOffset: Int
    /// The number of the range's first line in its file (1-based), and how many lines it had.
    public internal(set) var firstLine: Int
    public let lineCount: Int
    let columns: SegmentColumns
    /// Lines that could not be read, with why (line numbers relative to the range).
    let localProblems: [(line: Int, reason: String)]
    /// A last line without its newline that did not parse: a write still in progress.
    public let hasPendingLine: Bool
    /// For the last range of a file: what the file looked like when it was read, so following
    /// can tell an append from a rewrite (nil for the other ranges). Set once, while reading.
    var mark: FileMark?

    init(fileIndex: Int, startOffset: Int, endOffset: Int, firstLine: Int, lineCount: Int,
         columns: SegmentColumns, problems: [(line: Int, reason: String)], hasPendingLine: Bool) {
        self.fileIndex = fileIndex
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.firstLine = firstLine
        self.lineCount = lineCount
        self.columns = columns
        self.localProblems = problems
        self.hasPendingLine = hasPendingLine
    }

    /// Number of records (events and deletions).
    public var count: Int { columns.count }
}

/// The columns of a segment while it is built (a value, so the parser mutates it without
/// runtime exclusivity checks).
///
/// Per record there are only fixed-size numbers; its strings and tags sit together in `arena`
/// as one blob (see `RecordBlob`), which costs far less memory than a reference per string.
struct SegmentColumns {

    // One entry per record, in line order.
    var kinds: [RecordKind] = []
    var lineNumbers: [UInt32] = []
    var blobOffsets: [UInt32] = []  // where each record's blob starts in `arena`
    var starts: [Int64] = []
    var ends: [Int64] = []
    var arena: [UInt8] = []

    // Interned tags of this segment.
    var tagArena: [UInt8] = []
    var keyNames: [StringRef] = []
    var keyIndex = HashIndex()
    var pairKeys: [UInt32] = []
    var pairValues: [StringRef] = []
    var pairIndex = HashIndex()

    init(expectedRecords: Int = 0, expectedBytes: Int = 0) {
        if expectedRecords > 0 {
            let n = expectedRecords
            kinds.reserveCapacity(n); lineNumbers.reserveCapacity(n); blobOffsets.reserveCapacity(n)
            starts.reserveCapacity(n); ends.reserveCapacity(n)
        }
        arena.reserveCapacity(expectedBytes)
    }

    /// Number of records.
    var count: Int { kinds.count }

    /// The id of each record, as a reference into `arena` (`arena.string(ids[local])` is the id).
    var ids: IDColumn { IDColumn(columns: self) }

    struct IDColumn {
        let columns: SegmentColumns
        subscript(local: Int) -> IDRef {
            columns.arena.withUnsafeBytes { arena in
                let id = RecordBlob(arena: arena, at: Int(columns.blobOffsets[local])).id
                return IDRef(offset: arena.baseAddress!.distance(to: id.bytes.baseAddress!), length: id.bytes.count, isUUID: id.isUUID)
            }
        }
    }

    /// The local number of the tag key `key`, interning it.
    mutating func internKey(_ key: UnsafeRawBufferPointer) -> UInt32 {
        let hash = hashBytes(key.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, key.count)
        if let found = keyIndex.find(hash, { tagArena.bytesEqual(keyNames[Int($0)], key) }) { return found }
        let entry = UInt32(keyNames.count)
        keyNames.append(tagArena.store(key))
        keyIndex.insert(hash, entry: entry)
        return entry
    }

    /// The local number of the tag `key:value`, interning it.
    mutating func internPair(key: UInt32, value: UnsafeRawBufferPointer) -> UInt32 {
        let hash = hashBytes(value.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, value.count, seed: UInt64(key) &+ 0x1234_5678_9ABC)
        if let found = pairIndex.find(hash, { pairKeys[Int($0)] == key && tagArena.bytesEqual(pairValues[Int($0)], value) }) {
            return found
        }
        let entry = UInt32(pairKeys.count)
        pairKeys.append(key)
        pairValues.append(tagArena.store(value))
        pairIndex.insert(hash, entry: entry)
        return entry
    }

    /// Calls `body` with the strings of record `local`.
    @inline(__always)
    func withRecord<R>(_ local: Int, _ body: (RecordBlob) -> R) -> R {
        arena.withUnsafeBytes { body(RecordBlob(arena: $0, at: Int(blobOffsets[local]))) }
    }

    /// Calls `body` with the id of record `local` (its blob decoded only as far as the id).
    @inline(__always)
    func withID<R>(_ local: Int, _ body: (IDKey) -> R) -> R {
        arena.withUnsafeBytes { body(RecordBlob.id(arena: $0, at: Int(blobOffsets[local]))) }
    }

    /// Calls `body` with the parent id of record `local` (an empty text when it names none).
    @inline(__always)
    func withParentID<R>(_ local: Int, _ body: (IDKey) -> R) -> R {
        arena.withUnsafeBytes { arena in
            let blob = RecordBlob(arena: arena, at: Int(blobOffsets[local]))
            guard blob.parentRecord >= 0 else { return body(blob.parent) }
            return body(RecordBlob(arena: arena, at: Int(blobOffsets[blob.parentRecord])).id)
        }
    }
}

/// Where a record's id is in a segment's arena (see `SegmentColumns.ids`).
struct IDRef {
    let offset: Int
    let length: Int
    let isUUID: Bool
}

extension Array where Element == UInt8 {
    /// The id `ref` points at.
    func string(_ ref: IDRef) -> String {
        withUnsafeBytes { IDKey(bytes: UnsafeRawBufferPointer(rebasing: $0[ref.offset..<ref.offset + ref.length]), isUUID: ref.isUUID).string }
    }
}

/// What a line records: an event, or the deletion of one.
enum RecordKind: UInt8, Sendable {
    case event
    case deletion
}

/// A line that could not be read: where, and why.
public struct LoadProblem: Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason`, made visible: a file name is anybody's bytes (`evil\x1B[31m.jsonl`),
    /// and this goes to terminals.
    public var description: String {
        let file = SafeText.visible(self.file), reason = SafeText.visible(self.reason)
        return line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)"
    }
}
