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
/// Per record there are only fixed-size numbers; its strings sit together in `arena` as one
/// blob (see `RecordBlob`), which costs far less memory than a reference per string.
struct SegmentColumns {

    // One entry per record, in line order.
    var kinds: [RecordKind] = []
    var lineNumbers: [UInt32] = []
    var blobOffsets: [UInt32] = []  // where each record's blob starts in `arena`
    var starts: [Int64] = []
    var ends: [Int64] = []
    var tagOffsets: [UInt32] = [0]  // record r's tags are tagPairs[tagOffsets[r]..<tagOffsets[r+1]]
    var tagPairs: [UInt32] = []
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
            starts.reserveCapacity(n); ends.reserveCapacity(n); tagOffsets.reserveCapacity(n + 1)
            tagPairs.reserveCapacity(n * 8)
        }
        arena.reserveCapacity(expectedBytes)
    }

    /// Number of records.
    var count: Int { kinds.count }

    /// The id of each record, as a reference into `arena`.
    var ids: IDColumn { IDColumn(columns: self) }

    struct IDColumn {
        let columns: SegmentColumns
        subscript(local: Int) -> StringRef {
            columns.arena.withUnsafeBytes { arena in
                let id = RecordBlob(arena: arena, at: Int(columns.blobOffsets[local])).id
                return StringRef(offset: UInt32(arena.baseAddress!.distance(to: id.baseAddress!)), length: UInt32(id.count))
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

    /// Calls `body` with the parent id bytes of record `local` (empty when it names none).
    @inline(__always)
    func withParentID<R>(_ local: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        arena.withUnsafeBytes { arena in
            let blob = RecordBlob(arena: arena, at: Int(blobOffsets[local]))
            guard blob.parentRecord >= 0 else { return body(blob.parentBytes) }
            return body(RecordBlob(arena: arena, at: Int(blobOffsets[blob.parentRecord])).id)
        }
    }
}

/// What a line records: an event, or the deletion of one.
enum RecordKind: UInt8, Sendable {
    case event
    case deletion
}

/// One record's strings in a segment's arena:
///
///     flags, then as LEB128 numbers the lengths of id, parent (or, with `parentIsEarlierID`,
///     the number of the earlier record whose id it is), source, description and detail URLs;
///     then the bytes of each (no parent bytes when they are another record's id).
///
/// Parents usually are events a few lines up, so most parent ids cost two bytes, not 36.
struct RecordBlob {
    static let parentIsEarlierID: UInt8 = 1

    let flags: UInt8
    let id: UnsafeRawBufferPointer
    /// The parent's id bytes; empty when the parent is `parentRecord`'s id, or when there is none.
    let parentBytes: UnsafeRawBufferPointer
    /// The earlier record (of this segment) whose id is the parent, or -1.
    let parentRecord: Int
    let source: UnsafeRawBufferPointer
    let description: UnsafeRawBufferPointer
    let detailURLs: UnsafeRawBufferPointer

    @inline(__always)
    init(arena: UnsafeRawBufferPointer, at offset: Int) {
        let base = arena.baseAddress!
        var position = offset
        @inline(__always) func number() -> Int {
            var value = 0, shift = 0
            while true {
                let byte = base.load(fromByteOffset: position, as: UInt8.self)
                position &+= 1
                value |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift &+= 7
            }
        }
        flags = base.load(fromByteOffset: position, as: UInt8.self)
        position &+= 1
        let idLength = number()
        let parentNumber = number()
        let sourceLength = number()
        let descriptionLength = number()
        let urlsLength = number()
        @inline(__always) func take(_ length: Int) -> UnsafeRawBufferPointer {
            defer { position &+= length }
            return UnsafeRawBufferPointer(start: base + position, count: length)
        }
        id = take(idLength)
        if flags & Self.parentIsEarlierID != 0 {
            parentRecord = parentNumber
            parentBytes = UnsafeRawBufferPointer(start: base + position, count: 0)
        } else {
            parentRecord = -1
            parentBytes = take(parentNumber)
        }
        source = take(sourceLength)
        description = take(descriptionLength)
        detailURLs = take(urlsLength)
    }

    var hasParent: Bool { parentRecord >= 0 || parentBytes.count > 0 }

    /// Appends a record's header; the caller then appends the bytes of id, parent (unless it
    /// is an earlier record's id), source, description and detail URLs, in that order.
    static func appendHeader(flags: UInt8, idLength: Int, parentNumber: Int, sourceLength: Int, descriptionLength: Int,
                             urlsLength: Int, to arena: inout [UInt8]) {
        // Written in one append: per-byte appends were a visible part of the load.
        withUnsafeTemporaryAllocation(byteCount: 1 + 5 * 10, alignment: 1) { header in
            var length = 1
            header[0] = flags
            func put(_ number: Int) {
                var value = UInt(bitPattern: number)
                while value >= 0x80 {
                    header[length] = UInt8(truncatingIfNeeded: value) | 0x80
                    value >>= 7
                    length += 1
                }
                header[length] = UInt8(truncatingIfNeeded: value)
                length += 1
            }
            put(idLength)
            put(parentNumber)
            put(sourceLength)
            put(descriptionLength)
            put(urlsLength)
            arena.append(contentsOf: UnsafeRawBufferPointer(rebasing: header[0..<length]))
        }
    }

    /// How many bytes `appendNumber` writes for `value`.
    static func numberLength(_ value: Int) -> Int {
        var value = UInt(bitPattern: value), length = 1
        while value >= 0x80 {
            value >>= 7
            length += 1
        }
        return length
    }

    @inline(__always)
    static func appendNumber(_ value: Int, to arena: inout [UInt8]) {
        var value = UInt(bitPattern: value)
        while value >= 0x80 {
            arena.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        arena.append(UInt8(truncatingIfNeeded: value))
    }
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

    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
}

/// Encoding of `detail_urls` in a record blob: for each pair, the name's length (LEB128) and
/// bytes, then the URL's. Kept as one blob because only the detail view reads it.
enum URLBlob {
    static func append(name: UnsafeRawBufferPointer, url: UnsafeRawBufferPointer, to blob: inout [UInt8]) {
        RecordBlob.appendNumber(name.count, to: &blob)
        blob.append(contentsOf: name)
        RecordBlob.appendNumber(url.count, to: &blob)
        blob.append(contentsOf: url)
    }

    static func decode(_ blob: UnsafeRawBufferPointer) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var i = 0
        func next() -> String {
            var length = 0, shift = 0
            while true {
                let byte = blob[i]
                i += 1
                length |= Int(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            defer { i += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: blob[i..<i + length]), as: UTF8.self)
        }
        while i < blob.count {
            let name = next()
            pairs.append((name, next()))
        }
        return pairs
    }
}
