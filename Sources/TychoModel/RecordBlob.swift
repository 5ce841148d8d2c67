#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One record's strings and tags in a segment's arena:
///
///     flags; the number of tags and each tag's segment pair number; the id's length; the
///     parent's length (or, with `parentIsEarlierID`, the number of the earlier record whose
///     id it is); the lengths of source, description and detail URLs (all numbers LEB128);
///     then the bytes of each string (no parent bytes when it is another record's id).
///
/// Tags come first so the index build reads them without decoding the rest.
/// Parents usually are events a few lines up, so most parent ids cost two bytes, not 36; ids
/// and source ids are stored as `IDKey`s (16 bytes for a UUID); a tag costs one or two bytes.
struct RecordBlob {
    static let parentIsEarlierID: UInt8 = 1
    static let idIsUUID: UInt8 = 2
    static let parentIsUUID: UInt8 = 4
    static let sourceIsUUID: UInt8 = 8
    /// The most bytes the flags and the six numbers besides the tags take.
    static let maximumHeader = 1 + 6 * 10

    let flags: UInt8
    let id: IDKey
    /// The parent's id when stored here; empty when it is `parentRecord`'s id, or when there is none.
    let parent: IDKey
    /// The earlier record (of this segment) whose id is the parent, or -1.
    let parentRecord: Int
    let source: IDKey
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
        for _ in 0..<number() { _ = number() }  // the tags
        let idLength = number()
        let parentNumber = number()
        let sourceLength = number()
        let descriptionLength = number()
        let urlsLength = number()
        @inline(__always) func take(_ length: Int) -> UnsafeRawBufferPointer {
            defer { position &+= length }
            return UnsafeRawBufferPointer(start: base + position, count: length)
        }
        id = IDKey(bytes: take(idLength), isUUID: flags & Self.idIsUUID != 0)
        if flags & Self.parentIsEarlierID != 0 {
            parentRecord = parentNumber
            parent = IDKey(bytes: take(0), isUUID: false)
        } else {
            parentRecord = -1
            parent = IDKey(bytes: take(parentNumber), isUUID: flags & Self.parentIsUUID != 0)
        }
        source = IDKey(bytes: take(sourceLength), isUUID: flags & Self.sourceIsUUID != 0)
        description = take(descriptionLength)
        detailURLs = take(urlsLength)
    }

    var hasParent: Bool { parentRecord >= 0 || parent.bytes.count > 0 }

    /// Calls `body` with each tag's pair number (local to the segment) of the record whose
    /// blob is at `offset`, in the order given.
    @inline(__always)
    static func forEachTag(arena: UnsafeRawBufferPointer, at offset: Int, _ body: (UInt32) -> Void) {
        let base = arena.baseAddress!
        var position = offset &+ 1
        @inline(__always) func number() -> UInt32 {
            var value: UInt32 = 0, shift: UInt32 = 0
            while true {
                let byte = base.load(fromByteOffset: position, as: UInt8.self)
                position &+= 1
                value |= UInt32(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift &+= 7
            }
        }
        for _ in 0..<number() { body(number()) }
    }

    /// The id of the record whose blob is at `offset`, without decoding the rest.
    @inline(__always)
    static func id(arena: UnsafeRawBufferPointer, at offset: Int) -> IDKey {
        let base = arena.baseAddress!
        var position = offset &+ 1
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
        for _ in 0..<number() { _ = number() }  // the tags
        let idLength = number()
        for _ in 0..<4 { _ = number() }  // parent, source, description and URL lengths
        let flags = base.load(fromByteOffset: offset, as: UInt8.self)
        return IDKey(bytes: UnsafeRawBufferPointer(start: base + position, count: idLength), isUUID: flags & idIsUUID != 0)
    }

    /// How many bytes LEB128 takes for `value`.
    static func numberLength(_ value: Int) -> Int {
        var value = UInt(bitPattern: value), length = 1
        while value >= 0x80 {
            value >>= 7
            length += 1
        }
        return length
    }
}

/// An id as the store keeps and compares it: a canonical lower-case UUID (the usual id) as its
/// 16 bytes, any other id as its text. An id has exactly one key, so equal keys (bytes and
/// kind) mean equal ids, and a million UUIDs take 16 MB instead of 36.
struct IDKey {
    let bytes: UnsafeRawBufferPointer
    let isUUID: Bool

    /// Calls `body` with the key of the id whose text is `text`.
    @inline(__always)
    static func withKey<R>(ofText text: UnsafeRawBufferPointer, _ body: (IDKey) -> R) -> R {
        guard text.count == 36, let key = uuid(text) else { return body(IDKey(bytes: text, isUUID: false)) }
        return withUnsafeBytes(of: key) { body(IDKey(bytes: $0, isUUID: true)) }
    }

    /// The 16 bytes (in text order) of a canonical lower-case UUID, `8-4-4-4-12` hex digits,
    /// or nil. Eight digits are checked and converted at a time, in a word.
    @inline(__always)
    static func uuid(_ text: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        let base = text.baseAddress!
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        func half(_ offset: Int) -> UInt64 { UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        let dash = UInt8(ascii: "-")
        guard text[8] == dash, text[13] == dash, text[18] == dash, text[23] == dash,
              let a = bytes(word(0)), let b = bytes(half(9) | half(14) << 32),
              let c = bytes(half(19) | half(24) << 32), let d = bytes(word(28)) else { return nil }
        return (a | b << 32, c | d << 32)
    }

    /// Eight lower-case hex digits (one per byte, first digit lowest) as four bytes in order, or nil.
    @inline(__always)
    private static func bytes(_ digits: UInt64) -> UInt64? {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        guard digits & high == 0 else { return nil }
        // Per byte, the high bit says "at least lo" / "at most hi"; no borrow crosses a byte.
        func atLeast(_ lo: UInt64) -> UInt64 { ((digits | high) &- lo &* ones) & high }
        func atMost(_ hi: UInt64) -> UInt64 { ((hi | 0x80) &* ones &- digits) & high }
        let isDigit = atLeast(0x30) & atMost(0x39), isLetter = atLeast(0x61) & atMost(0x66)
        guard isDigit | isLetter == high else { return nil }
        let nibbles = (digits & 0x0F0F_0F0F_0F0F_0F0F) &+ (isLetter >> 7) &* 9
        // Pair the nibbles into bytes (first digit high), then close the gaps between them.
        var packed = (nibbles & 0x000F_000F_000F_000F) << 4 | (nibbles >> 8) & 0x000F_000F_000F_000F
        packed = (packed | packed >> 8) & 0x0000_FFFF_0000_FFFF
        return (packed | packed >> 16) & 0xFFFF_FFFF
    }

    /// The hash the id indexes use (a UUID's bytes hash apart from a text of the same bytes).
    @inline(__always)
    var hash: UInt64 {
        hashBytes(bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, bytes.count,
                  seed: isUUID ? 0x5555_7569_6421_6964 : 0x9E37_79B9_7F4A_7C15)
    }

    @inline(__always)
    static func == (a: IDKey, b: IDKey) -> Bool { a.isUUID == b.isUUID && memcmpEqual(a.bytes, b.bytes) }

    /// Whether this id's text sorts before `other`'s (bytewise). For two UUIDs the bytes sort
    /// like the texts: the digits are in order and the dashes in the same places.
    func precedes(_ other: IDKey) -> Bool {
        if isUUID && other.isUUID { return memcmp(bytes.baseAddress!, other.bytes.baseAddress!, 16) < 0 }
        return withText { a in other.withText { b in a.lexicographicallyPrecedes(b) } }
    }

    /// Calls `body` with the id's text.
    @inline(__always)
    func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard isUUID else { return body(bytes) }
        return withUnsafeTemporaryAllocation(byteCount: 36, alignment: 1) { text in
            var position = 0
            for k in 0..<16 {
                if k == 4 || k == 6 || k == 8 || k == 10 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let byte = bytes[k]
                text[position] = hexDigit(byte >> 4)
                text[position + 1] = hexDigit(byte & 0xF)
                position += 2
            }
            return body(UnsafeRawBufferPointer(text))
        }
    }

    var string: String { withText { String(decoding: $0, as: UTF8.self) } }

    /// Whether the id's text contains `needle` (lower-case), ignoring ASCII case.
    func containsFolded(_ needle: [UInt8]) -> Bool {
        // A UUID's text holds only hex digits and dashes: other needles need no formatting.
        if isUUID && !needle.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2D }) { return false }
        return withText { TychoModel.containsFolded($0, needle) }
    }

    @inline(__always)
    private func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 48 + value : 87 + value }
}

/// Writes a record blob into a buffer known to be big enough.
struct BlobWriter {
    private let buffer: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        buffer[count] = byte
        count += 1
    }

    /// `value` as LEB128.
    @inline(__always)
    mutating func putNumber(_ value: Int) {
        var value = UInt(bitPattern: value)
        while value >= 0x80 {
            put(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        put(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (buffer.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }
}

/// Encoding of `detail_urls` in a record blob: for each pair, the name's length (LEB128) and
/// bytes, then the URL's. Kept as one blob because only the detail view reads it.
enum URLBlob {
    static func append(name: UnsafeRawBufferPointer, url: UnsafeRawBufferPointer, to blob: inout [UInt8]) {
        appendNumber(name.count, to: &blob)
        blob.append(contentsOf: name)
        appendNumber(url.count, to: &blob)
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

    private static func appendNumber(_ value: Int, to blob: inout [UInt8]) {
        var value = UInt(bitPattern: value)
        while value >= 0x80 {
            blob.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        blob.append(UInt8(truncatingIfNeeded: value))
    }
}
