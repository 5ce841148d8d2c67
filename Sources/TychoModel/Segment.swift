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
    public var count: Int { columns.kinds.count }
}

/// The columns of a segment while it is built (a value, so the parser mutates it without
/// runtime exclusivity checks).
struct SegmentColumns {

    // One entry per record, in line order.
    var kinds: [RecordKind] = []
    var lineNumbers: [UInt32] = []
    var ids: [StringRef] = []
    var idHashes: [UInt64] = []
    var parents: [StringRef] = []
    var parentHashes: [UInt64] = []
    var sources: [StringRef] = []
    var descriptions: [StringRef] = []
    var detailURLs: [StringRef] = []  // encoded name/url pairs, see `URLBlob`
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

    init(expectedRecords: Int = 0) {
        if expectedRecords > 0 {
            let n = expectedRecords
            kinds.reserveCapacity(n); lineNumbers.reserveCapacity(n)
            ids.reserveCapacity(n); idHashes.reserveCapacity(n)
            parents.reserveCapacity(n); parentHashes.reserveCapacity(n)
            sources.reserveCapacity(n); descriptions.reserveCapacity(n); detailURLs.reserveCapacity(n)
            starts.reserveCapacity(n); ends.reserveCapacity(n); tagOffsets.reserveCapacity(n + 1)
            tagPairs.reserveCapacity(expectedRecords * 6)
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

    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
}

/// Encoding of `detail_urls` in an arena: for each pair, a 4-byte length and the name, then a
/// 4-byte length and the URL. Kept as one blob because only the detail view reads it.
enum URLBlob {
    static func append(name: UnsafeRawBufferPointer, url: UnsafeRawBufferPointer, to arena: inout [UInt8]) {
        appendLength(name.count, to: &arena)
        arena.append(contentsOf: name)
        appendLength(url.count, to: &arena)
        arena.append(contentsOf: url)
    }

    static func appendLength(_ length: Int, to arena: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian) { arena.append(contentsOf: $0) }
    }

    static func decode(_ blob: UnsafeRawBufferPointer) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var i = 0
        func next() -> String {
            let length = Int(UInt32(littleEndian: blob.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
            i += 4
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
