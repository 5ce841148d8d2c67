#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a line was rejected; becomes `file:line: reason`.
struct LineError: Error {
    let reason: String
}

/// Reads one JSON line — an event object, `{"event": {...}}`, or a deletion `{"delete": "ID"}` —
/// straight from its bytes into a segment's columns.
///
/// A hand-written scanner: Foundation's JSON is 12–20× too slow for a million lines, and the
/// event shape is fixed. Strings without escapes (nearly all) are found eight bytes at a time
/// and used in place; only escaped ones are decoded, into `scratch`. Nothing is written to the
/// columns until the whole line has parsed. Unknown members are skipped (iteratively, so deep
/// nesting cannot overflow the stack).
struct EventLineParser {
    private var base = UnsafePointer<UInt8>(bitPattern: 1)!
    private var count = 0
    private var i = 0
    /// Escaped strings of the current line, decoded.
    private var scratch: [UInt8] = []
    /// Recently interned short tag names and values (see `intern`).
    private var tagCache = [TagCacheEntry](repeating: TagCacheEntry(), count: 256)
    private var outer = Fields()
    private var inner = Fields()
    private var isWrapped = false
    private let names = MemberNames()
    /// Where a record's blob is assembled before it is appended to the arena.
    private var blobBuffer = [UInt8](repeating: 0, count: 4096)
    private var containers: [UInt8] = []
    /// This segment's ids so far (hash → record), so a parent named a few lines up is stored
    /// as that record's number instead of a second copy of the id.
    private var localIDs = HashIndex(expected: 1024)

    /// Parses `line` (no newline) and appends its record to `columns`; on error nothing is appended.
    mutating func parse(_ line: UnsafeRawBufferPointer, lineNumber: Int, into columns: inout SegmentColumns) throws(LineError) {
        try parseObject(line, into: &columns)
        // Scalars only: copying a `Fields` costs a retain and release per array in it.
        let (id, deletedID, hasTime) = isWrapped
            ? (inner.id, inner.deletedID, inner.start != nil || inner.end != nil)
            : (outer.id, outer.deletedID, outer.start != nil || outer.end != nil)
        if deletedID == nil || isWrapped {
            guard hasTime else { throw LineError(reason: "no start_time or end_time") }
        }
        if let id = deletedID ?? id, id.length == 0 { throw LineError(reason: "empty id") }
        var generatedID: Span?
        if (isWrapped ? inner.id : outer.deletedID ?? outer.id) == nil {
            let offset = scratch.count
            Self.appendGeneratedID(for: line, to: &scratch)
            generatedID = Span(start: offset, length: scratch.count - offset, isDecoded: true)
        }
        // Disjoint stored properties, so neither `Fields` is copied.
        if isWrapped {
            Self.commit(inner, isDeletion: false, generatedID: generatedID, line: base, lineNumber: lineNumber,
                        scratch: scratch, localIDs: &localIDs, blobBuffer: &blobBuffer, into: &columns)
        } else {
            Self.commit(outer, isDeletion: outer.deletedID != nil, generatedID: generatedID, line: base, lineNumber: lineNumber,
                        scratch: scratch, localIDs: &localIDs, blobBuffer: &blobBuffer, into: &columns)
        }
    }

    /// Parses one JSON object (an event or its wrapper) and returns the fields it gave, with no
    /// defaults applied: what a write needs to tell "given" from "missing". The strings are
    /// stored in `columns.arena`.
    mutating func parseGivenFields(_ text: UnsafeRawBufferPointer, into columns: inout SegmentColumns) throws(LineError) -> GivenFields {
        try parseObject(text, into: &columns)
        let fields = isWrapped ? inner : outer
        func store(_ span: Span?) -> StringRef? {
            guard let span else { return nil }
            return withBytes(span) { columns.arena.store($0) }
        }
        var detailURLs: StringRef?
        if fields.hasDetailURLs {
            let offset = columns.arena.count
            scratch.withUnsafeBytes { decoded in
                SpanBytes(line: UnsafeRawPointer(base), decoded: decoded).appendURLBlob(fields.urls, to: &columns.arena)
            }
            detailURLs = StringRef(offset: UInt32(offset), length: UInt32(columns.arena.count - offset))
        }
        return GivenFields(id: store(fields.id), parent: store(fields.parent), source: store(fields.source),
                           description: store(fields.description), start: fields.start, end: fields.end,
                           detailURLs: detailURLs, tagPairs: fields.hasTags ? fields.tagPairs : nil)
    }

    /// Reads the object in `line` into `outer` (and `inner` for a wrapper). Strings are left in
    /// the line, or decoded into `scratch`; nothing is written to the arena.
    private mutating func parseObject(_ line: UnsafeRawBufferPointer, into columns: inout SegmentColumns) throws(LineError) {
        guard let start = line.baseAddress, line.count > 0 else { throw LineError(reason: "empty line") }
        base = start.assumingMemoryBound(to: UInt8.self)
        count = line.count
        i = 0
        if let bad = firstInvalidUTF8(UnsafeBufferPointer(start: base, count: count)) {
            throw LineError(reason: "invalid UTF-8 at column \(bad + 1)")
        }
        if !scratch.isEmpty { scratch.removeAll(keepingCapacity: true) }
        isWrapped = false
        skipWhitespace()
        guard i < count, base[i] == Byte.openBrace else {
            throw LineError(reason: i < count ? "expected a JSON object, found \(typeName(base[i]))" : "empty line")
        }
        i += 1
        var fields = Fields()
        swap(&fields, &outer)  // reuse the tag lists' capacity
        defer { swap(&fields, &outer) }
        fields.reset()
        try parseMembers(of: &fields, isTopLevel: true, into: &columns)
        skipWhitespace()
        guard i == count else { throw syntax("unexpected text after the JSON object") }
    }

    // MARK: - Members

    private mutating func parseMembers(of fields: inout Fields, isTopLevel: Bool, into columns: inout SegmentColumns) throws(LineError) {
        skipWhitespace()
        if i < count && base[i] == Byte.closeBrace {
            i += 1
            return
        }
        while true {
            skipWhitespace()
            try expect(Byte.quote, "a member name")
            let key = try readKey()
            skipWhitespace()
            try expect(Byte.colon, "':' after a member name")
            skipWhitespace()
            guard i < count else { throw syntax("expected a value") }
            switch key {
            case .id: fields.id = try readOptionalString("id")
            case .parentID: fields.parent = try readOptionalString("parent_id")
            case .sourceID: fields.source = try readOptionalString("source_id")
            case .description: fields.description = try readOptionalString("description")
            case .startTime: fields.start = try readOptionalTime("start_time")
            case .endTime: fields.end = try readOptionalTime("end_time")
            case .detailURLs: try readDetailURLs(into: &fields)
            case .tags: try readTags(into: &fields, columns: &columns)
            case .event where isTopLevel && base[i] == Byte.openBrace:
                i += 1
                var wrapped = Fields()
                swap(&wrapped, &inner)
                defer { swap(&wrapped, &inner) }
                wrapped.reset()
                try parseMembers(of: &wrapped, isTopLevel: false, into: &columns)
                isWrapped = true
            case .delete where isTopLevel:
                fields.deletedID = try readOptionalString("delete")
            default: try skipValue()
            }
            skipWhitespace()
            guard i < count else { throw syntax("expected ',' or '}'") }
            if base[i] == Byte.comma {
                i += 1
            } else if base[i] == Byte.closeBrace {
                i += 1
                return
            } else {
                throw syntax("expected ',' or '}'")
            }
        }
    }

    private enum Key {
        case id, parentID, sourceID, description, startTime, endTime, detailURLs, tags, event, delete, other
    }

    /// Reads a member name (after its opening quote) and says which field it names.
    private mutating func readKey() throws(LineError) -> Key {
        let mark = scratch.count
        let name = try readString()
        defer { dropScratch(from: mark) }
        return withBytes(name) { name -> Key in
            guard name.count >= 2 && name.count <= 11, let start = name.baseAddress else { return .other }
            // Compared as packed words: cheaper than a memcmp per candidate name.
            let word = packShort(start, name.count)
            let names = self.names
            switch name.count {
            case 2: return word == names.id ? .id : .other
            case 4: return word == names.tags ? .tags : .other
            case 5: return word == names.event ? .event : .other
            case 6: return word == names.delete ? .delete : .other
            case 8: return word == names.endTime ? .endTime : .other
            case 9: return word == names.parentID ? .parentID : word == names.sourceID ? .sourceID : .other
            case 10: return word == names.startTime ? .startTime : .other
            case 11: return word == names.description ? .description : word == names.detailURLs ? .detailURLs : .other
            default: return .other
            }
        }
    }

    // MARK: - Typed values

    /// A string member, or nil for `null`; any other type is an error naming the member.
    private mutating func readOptionalString(_ name: StaticString) throws(LineError) -> Span? {
        if base[i] == Byte.quote {
            i += 1
            return try readString()
        }
        if try readNull() { return nil }
        throw LineError(reason: "\(name) must be a string, not \(typeName(base[i]))")
    }

    private mutating func readOptionalTime(_ name: StaticString) throws(LineError) -> Int64? {
        if try readNull() { return nil }
        guard base[i] == Byte.quote else { throw LineError(reason: "\(name) must be a string, not \(typeName(base[i]))") }
        i += 1
        let mark = scratch.count
        let text = try readString()
        defer { dropScratch(from: mark) }
        // The usual form, straight from the line; anything else (or an error) below.
        if !text.isDecoded, let time = Timestamp.parseUsualForm(UnsafeBufferPointer(start: base + text.start, count: text.length)) {
            return time
        }
        let parsed = withBytes(text) { bytes in
            Result { () throws(Timestamp.Invalid) in
                try Timestamp.parse(UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
            }
        }
        switch parsed {
        case .success(let time): return time
        case .failure(let error):
            let shown = withBytes(text) { String(decoding: $0.prefix(40), as: UTF8.self) }
            throw LineError(reason: "\(name) \(quoted(shown)): \(error.reason)")
        }
    }

    /// `detail_urls`, as name and URL spans (written as a `URLBlob` when the record is stored).
    private mutating func readDetailURLs(into fields: inout Fields) throws(LineError) {
        if !fields.urls.isEmpty { fields.urls.removeAll(keepingCapacity: true) }
        fields.hasDetailURLs = false
        if try readNull() { return }
        guard base[i] == Byte.openBrace else { throw LineError(reason: "detail_urls must be an object, not \(typeName(base[i]))") }
        i += 1
        fields.hasDetailURLs = true
        skipWhitespace()
        if i < count && base[i] == Byte.closeBrace {
            i += 1
        } else {
            while true {
                skipWhitespace()
                try expect(Byte.quote, "a member name")
                let name = try readString()
                skipWhitespace()
                try expect(Byte.colon, "':' after a member name")
                skipWhitespace()
                guard i < count, base[i] == Byte.quote else {
                    let shown = withBytes(name) { String(decoding: $0, as: UTF8.self) }
                    throw LineError(reason: "detail_urls.\(shown) must be a string, not \(i < count ? typeName(base[i]) : "nothing")")
                }
                i += 1
                let url = try readString()
                fields.urls.append(name)
                fields.urls.append(url)
                if try endOfContainer(Byte.closeBrace) { break }
            }
        }
    }

    /// `{"key": ["value", ...]}`; a single string stands for a one-value list. A repeated key
    /// replaces the earlier one (as in JSON parsers generally); repeated values count once.
    private mutating func readTags(into fields: inout Fields, columns: inout SegmentColumns) throws(LineError) {
        fields.clearTags()
        fields.hasTags = true
        if try readNull() { return }
        guard base[i] == Byte.openBrace else { throw LineError(reason: "tags must be an object, not \(typeName(base[i]))") }
        i += 1
        skipWhitespace()
        if i < count && base[i] == Byte.closeBrace {
            i += 1
            return
        }
        while true {
            skipWhitespace()
            try expect(Byte.quote, "a tag name")
            let mark = scratch.count
            let name = try readString()
            let key = internSpan(name, key: nil, into: &columns)
            dropScratch(from: mark)
            if fields.tagKeys.contains(key) {
                for k in stride(from: fields.tagKeys.count - 1, through: 0, by: -1) where fields.tagKeys[k] == key {
                    fields.tagKeys.remove(at: k)
                    fields.tagPairs.remove(at: k)
                }
            }
            skipWhitespace()
            try expect(Byte.colon, "':' after a tag name")
            skipWhitespace()
            guard i < count else { throw syntax("expected a value") }
            if base[i] == Byte.quote {
                i += 1
                try readTagValue(key: key, into: &fields, columns: &columns)
            } else if base[i] == Byte.openBracket {
                i += 1
                skipWhitespace()
                if i < count && base[i] == Byte.closeBracket {
                    i += 1
                } else {
                    while true {
                        skipWhitespace()
                        guard i < count, base[i] == Byte.quote else {
                            throw LineError(reason: "tag \(quoted(columns.tagArena.string(columns.keyNames[Int(key)]))) values must be strings, found \(i < count ? typeName(base[i]) : "nothing")")
                        }
                        i += 1
                        try readTagValue(key: key, into: &fields, columns: &columns)
                        if try endOfContainer(Byte.closeBracket) { break }
                    }
                }
            } else {
                throw LineError(reason: "tag \(quoted(columns.tagArena.string(columns.keyNames[Int(key)]))) must be a list of strings, not \(typeName(base[i]))")
            }
            if try endOfContainer(Byte.closeBrace) { break }
        }
    }

    private mutating func readTagValue(key: UInt32, into fields: inout Fields, columns: inout SegmentColumns) throws(LineError) {
        let mark = scratch.count
        let value = try readString()
        let pair = internSpan(value, key: key, into: &columns)
        dropScratch(from: mark)
        if !fields.tagPairs.contains(pair) {
            fields.tagPairs.append(pair)
            fields.tagKeys.append(key)
        }
    }

    /// `intern` for a span. (Not through `withBytes`: a mutating call inside a closure given to
    /// a method of `self` makes Swift copy the whole parser, cache included, every time.)
    private mutating func internSpan(_ span: Span, key: UInt32?, into columns: inout SegmentColumns) -> UInt32 {
        if !span.isDecoded {
            return intern(UnsafeRawBufferPointer(start: base + span.start, count: span.length), key: key, into: &columns)
        }
        let decoded = Array(scratch[span.start..<span.start + span.length])  // rare: escaped text
        return decoded.withUnsafeBytes { intern($0, key: key, into: &columns) }
    }

    /// The segment's number for a tag name (`key` nil) or for the value of tag `key`. Short ones
    /// are looked up in `tagCache` first: a few compares of packed bytes instead of hashing and
    /// comparing bytes in the tag arena. The cache compares exactly, so it never answers wrong.
    @inline(__always)
    private mutating func intern(_ bytes: UnsafeRawBufferPointer, key: UInt32?, into columns: inout SegmentColumns) -> UInt32 {
        guard bytes.count <= 16, let start = bytes.baseAddress else {
            return key.map { columns.internPair(key: $0, value: bytes) } ?? columns.internKey(bytes)
        }
        let (low, high) = packShort(start, bytes.count)
        let kind = UInt64(bytes.count) << 32 | UInt64(key ?? UInt32.max)
        let slot = Int(truncatingIfNeeded: mix64(low ^ (high &* 0x9E37_79B9_7F4A_7C15) ^ kind) >> 56)
        let cached = tagCache[slot]
        if cached.low == low && cached.high == high && cached.kind == kind { return cached.entry }
        let entry = key.map { columns.internPair(key: $0, value: bytes) } ?? columns.internKey(bytes)
        tagCache[slot] = TagCacheEntry(low: low, high: high, kind: kind, entry: entry)
        return entry
    }

    /// After a value inside a container: true at its closing byte, false at a comma.
    @inline(__always)
    private mutating func endOfContainer(_ close: UInt8) throws(LineError) -> Bool {
        skipWhitespace()
        guard i < count else { throw syntax("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
        if base[i] == Byte.comma {
            i += 1
            return false
        }
        if base[i] == close {
            i += 1
            return true
        }
        throw syntax("expected ',' or '\(Character(Unicode.Scalar(close)))'")
    }

    @inline(__always)
    private mutating func readNull() throws(LineError) -> Bool {
        guard base[i] == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    // MARK: - Commit

    /// Appends the record `fields` describe.
    private static func commit(_ fields: Fields, isDeletion: Bool, generatedID: Span?, line: UnsafePointer<UInt8>,
                               lineNumber: Int, scratch: borrowing [UInt8], localIDs: inout HashIndex, blobBuffer: inout [UInt8],
                               into columns: inout SegmentColumns) {
        let record = columns.count
        // Nothing below captures `fields` (a closure capturing it would copy it, a retain per array
        // for every line): the spans are copied out, the two lists read through their buffers.
        let idSpan = (isDeletion ? fields.deletedID : fields.id) ?? generatedID, parentSpan = fields.parent
        let sourceSpan = fields.source, descriptionSpan = fields.description
        let (idHash, isNewID) = withBuffers(fields.urls, fields.tagPairs) { urls, tagPairs in
        scratch.withUnsafeBytes { decoded in
            let bytes = SpanBytes(line: UnsafeRawPointer(line), decoded: decoded)
            let idText = bytes(idSpan), parentText = bytes(parentSpan)
            return IDKey.withKey(ofText: idText) { id in
                IDKey.withKey(ofText: parentText) { parent in
                    // A parent that is the id of an earlier record here is stored as that record's number.
                    var parentRecord = -1
                    if parent.bytes.count > 0,
                       let earlier = localIDs.find(parent.hash, { earlier in columns.withID(Int(earlier)) { $0 == parent } }) {
                        parentRecord = Int(earlier)
                    }
                    let storedParent = parentRecord >= 0 ? 0 : parent.bytes.count
                    // The source id, like ids, as 16 bytes when it is a UUID.
                    let source = bytes(sourceSpan), sourceUUID = source.count == 36 ? IDKey.uuid(source) : nil
                    let sourceLength = sourceUUID == nil ? source.count : 16
                    let description = bytes(descriptionSpan)
                    let urlsLength = bytes.urlBlobLength(urls)
                    let size = RecordBlob.maximumHeader + id.bytes.count + storedParent + sourceLength + description.count
                        + urlsLength + (tagPairs.count + 1) * 5
                    if blobBuffer.count < size { blobBuffer = [UInt8](repeating: 0, count: size * 2) }
                    columns.blobOffsets.append(UInt32(truncatingIfNeeded: columns.arena.count))
                    // Assembled in one buffer and appended once: an append per piece cost more than the copying.
                    blobBuffer.withUnsafeMutableBytes { buffer in
                        var blob = BlobWriter(buffer)
                        var flags: UInt8 = id.isUUID ? RecordBlob.idIsUUID : 0
                        if parentRecord >= 0 { flags |= RecordBlob.parentIsEarlierID } else if parent.isUUID { flags |= RecordBlob.parentIsUUID }
                        if sourceUUID != nil { flags |= RecordBlob.sourceIsUUID }
                        blob.put(flags)
                        blob.putNumber(tagPairs.count)
                        for pair in tagPairs { blob.putNumber(Int(pair)) }
                        blob.putNumber(id.bytes.count)
                        blob.putNumber(parentRecord >= 0 ? parentRecord : parent.bytes.count)
                        blob.putNumber(sourceLength)
                        blob.putNumber(description.count)
                        blob.putNumber(urlsLength)
                        blob.put(id.bytes)
                        if parentRecord < 0 { blob.put(parent.bytes) }
                        if let sourceUUID { withUnsafeBytes(of: sourceUUID) { blob.put($0) } } else { blob.put(source) }
                        blob.put(description)
                        var k = 0
                        while k + 1 < urls.count {
                            let name = bytes(urls[k]), url = bytes(urls[k + 1])
                            blob.putNumber(name.count)
                            blob.put(name)
                            blob.putNumber(url.count)
                            blob.put(url)
                            k += 2
                        }
                        columns.arena.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<blob.count]))
                    }
                    let isNew = localIDs.find(id.hash, { earlier in columns.withID(Int(earlier)) { $0 == id } }) == nil
                    return (id.hash, isNew)
                }
            }
        }
        }
        if isNewID { localIDs.insert(idHash, entry: UInt32(record)) }
        columns.kinds.append(isDeletion ? .deletion : .event)
        columns.lineNumbers.append(UInt32(truncatingIfNeeded: lineNumber))
        let start = fields.start ?? fields.end ?? 0
        columns.starts.append(start)
        columns.ends.append(fields.end ?? start)
    }

    /// A uuid4-shaped id derived from the line's bytes, so the same data always gets the same id.
    static func appendGeneratedID(for line: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let high = hashBytes(line.baseAddress!, line.count, seed: 0x7479_6368_6F2D_6964)
        var low = hashBytes(line.baseAddress!, line.count, seed: 0x6576_656E_742D_6964)
        var bits = high
        bits = (bits & ~0xF000) | 0x4000  // version 4
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 4122 variant
        let hex = Array("0123456789abcdef".utf8)
        for (k, word) in [bits, low].enumerated() {
            for nibble in 0..<16 {
                if (k == 0 && (nibble == 8 || nibble == 12)) || (k == 1 && (nibble == 0 || nibble == 4)) {
                    out.append(UInt8(ascii: "-"))
                }
                out.append(hex[Int((word >> UInt64(60 - nibble * 4)) & 0xF)])
            }
        }
    }

    // MARK: - Strings

    /// Reads a string body (after the opening quote), consuming the closing quote. A string
    /// without escapes is left where it is; an escaped one is decoded onto the end of `scratch`.
    @inline(__always)
    private mutating func readString() throws(LineError) -> Span {
        let start = i
        let stop = stringStop(from: start)
        if stop < count && base[stop] == Byte.quote {
            i = stop + 1
            return Span(start: start, length: stop - start, isDecoded: false)
        }
        // An escape, a control byte or the end of the line: the careful reader decodes it or
        // says what is wrong, exactly where.
        var buffer: [UInt8] = []
        swap(&buffer, &scratch)
        defer { swap(&buffer, &scratch) }
        let offset = buffer.count
        try readStringBody(into: &buffer)
        return Span(start: offset, length: buffer.count - offset, isDecoded: true)
    }

    /// The first position from `start` holding a quote, a backslash or a control byte, or `count`.
    @inline(__always)
    private func stringStop(from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawPointer(base)
        var j = start
        while j &+ 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
            let quotes = word ^ (ones &* UInt64(Byte.quote)), backslashes = word ^ (ones &* UInt64(Byte.backslash))
            // Per byte, the high bit ends up set where it is zero (or below 0x20); only the
            // lowest such byte is exact, which is the one wanted.
            let found = ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes | (word &- ones &* 0x20) & ~word) & highs
            if found != 0 { return j &+ found.trailingZeroBitCount &>> 3 }
            j &+= 8
        }
        while j < count {
            let byte = base[j]
            if byte == Byte.quote || byte == Byte.backslash || byte < 0x20 { return j }
            j &+= 1
        }
        return count
    }

    /// Forgets decoded strings from `mark` on (they were looked at, not kept).
    @inline(__always)
    private mutating func dropScratch(from mark: Int) {
        if scratch.count > mark { scratch.removeSubrange(mark...) }
    }

    /// Calls `body` with the bytes of `span` (in the line, or in `scratch`).
    @inline(__always)
    private func withBytes<R>(_ span: Span, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if !span.isDecoded { return body(UnsafeRawBufferPointer(start: base + span.start, count: span.length)) }
        return scratch.withUnsafeBytes { scratch in
            body(UnsafeRawBufferPointer(rebasing: scratch[span.start..<span.start + span.length]))
        }
    }

    // MARK: - Strings

    /// Decodes a JSON string body (after the opening quote) into `out`, consuming the closing quote.
    private mutating func readStringBody(into out: inout [UInt8]) throws(LineError) {
        var runStart = i
        while true {
            // The common case: a run of plain bytes, copied at once.
            while i < count {
                let byte = base[i]
                if byte == Byte.quote || byte == Byte.backslash || byte < 0x20 { break }
                i += 1
            }
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
            guard i < count else { throw syntax("unterminated string") }
            let byte = base[i]
            if byte == Byte.quote {
                i += 1
                return
            }
            if byte < 0x20 { throw syntax("control character 0x\(hex2(byte)) inside a string (must be escaped)") }
            try readEscape(into: &out)
            runStart = i
        }
    }

    private mutating func readEscape(into out: inout [UInt8]) throws(LineError) {
        i += 1  // the backslash
        guard i < count else { throw syntax("unterminated escape") }
        let escape = base[i]
        i += 1
        switch escape {
        case Byte.quote, Byte.backslash, UInt8(ascii: "/"): out.append(escape)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard i + 1 < count, base[i] == Byte.backslash, base[i + 1] == UInt8(ascii: "u") else {
                    throw syntax("unpaired surrogate \\u\(String(scalar, radix: 16))")
                }
                i += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw syntax("unpaired surrogate \\u\(String(scalar, radix: 16))") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw syntax("unpaired surrogate \\u\(String(scalar, radix: 16))")
            }
            appendUTF8(scalar, to: &out)
        default:
            throw syntax("invalid escape \\\(Character(Unicode.Scalar(escape)))")
        }
    }

    private mutating func readHex4() throws(LineError) -> UInt32 {
        guard i + 4 <= count else { throw syntax("expected 4 hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[i]
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 65...70: digit = byte - 55
            case 97...102: digit = byte - 87
            default: throw syntax("expected 4 hex digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6)); out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12)); out.append(UInt8(0x80 | scalar >> 6 & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18)); out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: - Skipping unknown values

    /// Skips any JSON value, checking its syntax; containers are tracked on a heap stack.
    private mutating func skipValue() throws(LineError) {
        containers.removeAll(keepingCapacity: true)
        while true {
            skipWhitespace()
            guard i < count else { throw syntax("expected a value") }
            switch base[i] {
            case Byte.openBrace:
                i += 1
                skipWhitespace()
                if i < count && base[i] == Byte.closeBrace {
                    i += 1
                } else {
                    containers.append(Byte.closeBrace)
                    try skipMemberName()
                    continue
                }
            case Byte.openBracket:
                i += 1
                skipWhitespace()
                if i < count && base[i] == Byte.closeBracket {
                    i += 1
                } else {
                    containers.append(Byte.closeBracket)
                    continue
                }
            case Byte.quote:
                i += 1
                try skipStringBody()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), 48...57: try skipNumber()
            default: throw syntax("unexpected \(describe(base[i]))")
            }
            // A value ended: close finished containers, or move to the next element.
            while let close = containers.last {
                skipWhitespace()
                guard i < count else { throw syntax("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
                if base[i] == Byte.comma {
                    i += 1
                    if close == Byte.closeBrace { try skipMemberName() }
                    break
                }
                guard base[i] == close else { throw syntax("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
                i += 1
                containers.removeLast()
            }
            if containers.isEmpty { return }
        }
    }

    private mutating func skipMemberName() throws(LineError) {
        skipWhitespace()
        try expect(Byte.quote, "a member name")
        try skipStringBody()
        skipWhitespace()
        try expect(Byte.colon, "':' after a member name")
    }

    private mutating func skipStringBody() throws(LineError) {
        while i < count {
            let byte = base[i]
            if byte == Byte.quote {
                i += 1
                return
            }
            if byte < 0x20 { throw syntax("control character 0x\(hex2(byte)) inside a string (must be escaped)") }
            if byte == Byte.backslash {
                i += 1
                guard i < count else { break }
                switch base[i] {
                case Byte.quote, Byte.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    i += 1
                    _ = try readHex4()
                default: throw syntax("invalid escape")
                }
                continue
            }
            i += 1
        }
        throw syntax("unterminated string")
    }

    private mutating func skipNumber() throws(LineError) {
        if base[i] == UInt8(ascii: "-") { i += 1 }
        guard i < count, isDigit(base[i]) else { throw syntax("invalid number") }
        if base[i] == 48 {
            i += 1
        } else {
            while i < count && isDigit(base[i]) { i += 1 }
        }
        if i < count && base[i] == UInt8(ascii: ".") {
            i += 1
            guard i < count, isDigit(base[i]) else { throw syntax("invalid number") }
            while i < count && isDigit(base[i]) { i += 1 }
        }
        if i < count && (base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E")) {
            i += 1
            if i < count && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < count, isDigit(base[i]) else { throw syntax("invalid number") }
            while i < count && isDigit(base[i]) { i += 1 }
        }
    }

    // MARK: - Small helpers

    private mutating func literal(_ word: StaticString) throws(LineError) {
        let length = word.utf8CodeUnitCount
        let isMatch = i + length <= count && word.withUTF8Buffer { $0.elementsEqual(UnsafeBufferPointer(start: base + i, count: length)) }
        guard isMatch else { throw syntax("unexpected \(describe(base[i]))") }
        i += length
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < count {
            let byte = base[i]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
            i += 1
        }
    }

    @inline(__always)
    private mutating func expect(_ byte: UInt8, _ what: StaticString) throws(LineError) {
        guard i < count, base[i] == byte else { throw syntax("expected \(what)") }
        i += 1
    }

    private func syntax(_ message: String) -> LineError {
        LineError(reason: "invalid JSON at column \(min(i, count) + 1): \(message)")
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    /// What the value at `i` is (`byte` is the one there), for a message. A word that is
    /// not a JSON literal (`not`, `nullish`, `True`) is named as written.
    private func typeName(_ byte: UInt8) -> String {
        func startsWith(_ word: String) -> Bool {
            let bytes = Array(word.utf8)
            guard count - i >= bytes.count, bytes.indices.allSatisfy({ base[i + $0] == bytes[$0] }) else { return false }
            let after = i + bytes.count
            return after == count || !((base[after] | 0x20) >= UInt8(ascii: "a") && (base[after] | 0x20) <= UInt8(ascii: "z"))
        }
        switch byte {
        case Byte.openBrace: return "an object"
        case Byte.openBracket: return "a list"
        case Byte.quote: return "a string"
        case UInt8(ascii: "t") where startsWith("true"), UInt8(ascii: "f") where startsWith("false"): return "a boolean"
        case UInt8(ascii: "n") where startsWith("null"): return "null"
        case UInt8(ascii: "-"), 48...57: return "a number"
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            var end = i
            while end < count, end - i < 16, (base[end] | 0x20) >= UInt8(ascii: "a") && (base[end] | 0x20) <= UInt8(ascii: "z") { end += 1 }
            let word = String(decoding: UnsafeBufferPointer(start: base + i, count: end - i), as: UTF8.self)
            return "'\(word)\(end - i == 16 ? "…" : "")' (no JSON value)"
        default: return describe(byte)
        }
    }

    private func describe(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex2(byte))"
    }
}

/// The fields an object gave, as references into the columns it was parsed into.
struct GivenFields {
    var id: StringRef?
    var parent: StringRef?
    var source: StringRef?
    var description: StringRef?
    var start: Int64?
    var end: Int64?
    var detailURLs: StringRef?
    var tagPairs: [UInt32]?
}

/// Where a string of the current line is: in the line itself, or (escaped) decoded in `scratch`.
private struct Span {
    var start: Int
    var length: Int
    var isDecoded: Bool
}

/// The member names the parser knows, packed as `packShort` packs them. (A parser property,
/// not statics: a static's lazy initialisation check on every use cost more than the compare.)
private struct MemberNames {
    let id = Self.pack("id"), tags = Self.pack("tags"), event = Self.pack("event"), delete = Self.pack("delete")
    let endTime = Self.pack("end_time"), parentID = Self.pack("parent_id"), sourceID = Self.pack("source_id")
    let startTime = Self.pack("start_time"), description = Self.pack("description"), detailURLs = Self.pack("detail_urls")

    private static func pack(_ name: StaticString) -> (UInt64, UInt64) {
        packShort(UnsafeRawPointer(name.utf8Start), name.utf8CodeUnitCount)
    }
}

/// A remembered tag name or value: its bytes packed into two words, its length and key, and
/// its number in the segment.
private struct TagCacheEntry {
    var low: UInt64 = 0
    var high: UInt64 = 0
    var kind: UInt64 = .max  // never matches until filled
    var entry: UInt32 = 0
}

/// Up to 16 bytes packed into two words (little-endian, zero-filled), read without touching
/// memory past them.
@inline(__always)
func packShort(_ base: UnsafeRawPointer, _ count: Int) -> (UInt64, UInt64) {
    func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    if count >= 8 {
        return (word(0), count > 8 ? word(count - 8) >> UInt64((16 - count) * 8) : 0)
    }
    if count >= 4 {
        let low = UInt64(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
        let high = UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
        return (low | high << UInt64((count - 4) * 8), 0)
    }
    if count > 0 {
        let first = UInt64(base.load(as: UInt8.self)), middle = UInt64(base.load(fromByteOffset: count / 2, as: UInt8.self))
        let last = UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self))
        return (first | middle << UInt64(count / 2 * 8) | last << UInt64((count - 1) * 8), 0)
    }
    return (0, 0)
}

/// Calls `body` with the buffers of `urls` and `tagPairs`.
@inline(__always)
private func withBuffers<R>(_ urls: [Span], _ tagPairs: [UInt32], _ body: (UnsafeBufferPointer<Span>, UnsafeBufferPointer<UInt32>) -> R) -> R {
    urls.withUnsafeBufferPointer { urls in tagPairs.withUnsafeBufferPointer { body(urls, $0) } }
}

/// The bytes of the current line's spans, while `scratch` is held still.
private struct SpanBytes {
    let line: UnsafeRawPointer
    let decoded: UnsafeRawBufferPointer

    /// The bytes of `span` (empty for nil).
    @inline(__always)
    func callAsFunction(_ span: Span?) -> UnsafeRawBufferPointer {
        guard let span, span.length > 0 else { return UnsafeRawBufferPointer(start: line, count: 0) }
        return UnsafeRawBufferPointer(start: (span.isDecoded ? decoded.baseAddress! : line) + span.start, count: span.length)
    }

    /// How long the `URLBlob` of `urls` (name, URL, name, ...) is.
    func urlBlobLength(_ urls: UnsafeBufferPointer<Span>) -> Int {
        urls.reduce(0) { $0 + RecordBlob.numberLength($1.length) + $1.length }
    }

    /// Writes `urls` (name, URL, name, ...) as a `URLBlob`.
    func appendURLBlob(_ urls: [Span], to arena: inout [UInt8]) {
        var k = 0
        while k + 1 < urls.count {
            URLBlob.append(name: self(urls[k]), url: self(urls[k + 1]), to: &arena)
            k += 2
        }
    }
}

/// The fields of one JSON object while a line is read.
private struct Fields {
    var id: Span?
    var parent: Span?
    var source: Span?
    var description: Span?
    var start: Int64?
    var end: Int64?
    var hasDetailURLs = false
    /// Name and URL of each `detail_urls` entry, one after the other.
    var urls: [Span] = []
    var tagPairs: [UInt32] = []
    var tagKeys: [UInt32] = []
    var hasTags = false
    var deletedID: Span?

    mutating func reset() {
        (id, parent, source, description, start, end, deletedID) = (nil, nil, nil, nil, nil, nil, nil)
        hasDetailURLs = false
        if !urls.isEmpty { urls.removeAll(keepingCapacity: true) }
        clearTags()
        hasTags = false
    }

    mutating func clearTags() {
        // `removeAll` is not free even on an empty array, and most objects have no tags yet.
        if !tagPairs.isEmpty {
            tagPairs.removeAll(keepingCapacity: true)
            tagKeys.removeAll(keepingCapacity: true)
        }
    }
}

enum Byte {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let newline = UInt8(ascii: "\n")
}

func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
}

/// A string shown in an error message: quoted, with control characters escaped.
func quoted(_ text: String) -> String { SafeText.quoted(text) }

/// The offset of the first byte that is not valid UTF-8, or nil. ASCII runs go 32 bytes at a time.
func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = bytes.count
    guard let base = bytes.baseAddress else { return nil }
    var i = 0
    let raw = UnsafeRawPointer(base), high: UInt64 = 0x8080_8080_8080_8080
    while i < n {
        if i + 32 <= n {
            let any = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
            if any & high == 0 {
                i += 32
                continue
            }
        }
        if i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & high == 0 {
            i += 8
            continue
        }
        let lead = base[i]
        if lead < 0x80 {
            i += 1
            continue
        }
        let length: Int
        let minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: (length, minimum, scalar) = (2, 0x80, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, minimum, scalar) = (3, 0x800, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (length, minimum, scalar) = (4, 0x10000, UInt32(lead & 0x07))
        default: return i
        }
        guard i + length <= n else { return i }
        for k in 1..<length {
            let continuation = base[i + k]
            guard continuation & 0xC0 == 0x80 else { return i }
            scalar = scalar << 6 | UInt32(continuation & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
        i += length
    }
    return nil
}
