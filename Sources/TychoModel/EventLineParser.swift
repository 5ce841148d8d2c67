/// Why a line was rejected; becomes `file:line: reason`.
struct LineError: Error {
    let reason: String
}

/// Reads one JSON line — an event object, `{"event": {...}}`, or a deletion `{"delete": "ID"}` —
/// straight from its bytes into a segment's columns.
///
/// A hand-written scanner: Foundation's JSON is 12–20× too slow for a million lines, and the
/// event shape is fixed, so strings are decoded once into the arena and nothing else allocates.
/// Unknown members are skipped (iteratively, so deep nesting cannot overflow the stack).
struct EventLineParser {
    private var base = UnsafePointer<UInt8>(bitPattern: 1)!
    private var count = 0
    private var i = 0
    private var scratch: [UInt8] = []
    private let outer = Fields()
    private let inner = Fields()
    private var containers: [UInt8] = []

    /// Parses `line` (no newline) and appends its record to `columns`; on error nothing is appended.
    mutating func parse(_ line: UnsafeRawBufferPointer, lineNumber: Int, into columns: inout SegmentColumns) throws(LineError) {
        try parseObject(line, into: &columns)
        let fields = outer.wrapped ?? outer
        if fields.deletedID == nil || outer.wrapped != nil {
            guard fields.start != nil || fields.end != nil else { throw LineError(reason: "no start_time or end_time") }
        }
        if let id = fields.deletedID ?? fields.id, id.isEmpty { throw LineError(reason: "empty id") }
        commit(line, lineNumber: lineNumber, into: &columns)
    }

    /// Parses one JSON object (an event or its wrapper) and returns the fields it gave, with no
    /// defaults applied: what a write needs to tell "given" from "missing".
    mutating func parseGivenFields(_ text: UnsafeRawBufferPointer, into columns: inout SegmentColumns) throws(LineError) -> GivenFields {
        try parseObject(text, into: &columns)
        let fields = outer.wrapped ?? outer
        return GivenFields(id: fields.id, parent: fields.parent, source: fields.source, description: fields.description,
                           start: fields.start, end: fields.end, detailURLs: fields.detailURLs,
                           tagPairs: fields.hasTags ? fields.tagPairs : nil)
    }

    /// Reads the object in `line` into `outer` (and `inner` for a wrapper); strings go to the arena,
    /// which is rolled back on error.
    private mutating func parseObject(_ line: UnsafeRawBufferPointer, into columns: inout SegmentColumns) throws(LineError) {
        guard let start = line.baseAddress, line.count > 0 else { throw LineError(reason: "empty line") }
        base = start.assumingMemoryBound(to: UInt8.self)
        count = line.count
        i = 0
        if let bad = firstInvalidUTF8(UnsafeBufferPointer(start: base, count: count)) {
            throw LineError(reason: "invalid UTF-8 at column \(bad + 1)")
        }
        let arenaMark = columns.arena.count
        do {
            try parseLine(into: &columns)
        } catch {
            columns.arena.removeSubrange(arenaMark...)
            throw error
        }
    }

    private mutating func parseLine(into columns: inout SegmentColumns) throws(LineError) {
        outer.reset()
        skipWhitespace()
        guard i < count, base[i] == Byte.openBrace else {
            throw LineError(reason: i < count ? "expected a JSON object, found \(typeName(base[i]))" : "empty line")
        }
        i += 1
        try parseMembers(of: outer, isTopLevel: true, into: &columns)
        skipWhitespace()
        guard i == count else { throw syntax("unexpected text after the JSON object") }
    }

    // MARK: - Members

    private mutating func parseMembers(of fields: Fields, isTopLevel: Bool, into columns: inout SegmentColumns) throws(LineError) {
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
            case .id: (fields.id, fields.idGiven) = (try readOptionalString("id", into: &columns.arena), true)
            case .parentID: fields.parent = try readOptionalString("parent_id", into: &columns.arena)
            case .sourceID: fields.source = try readOptionalString("source_id", into: &columns.arena)
            case .description: fields.description = try readOptionalString("description", into: &columns.arena)
            case .startTime: fields.start = try readOptionalTime("start_time")
            case .endTime: fields.end = try readOptionalTime("end_time")
            case .detailURLs: fields.detailURLs = try readDetailURLs(into: &columns.arena)
            case .tags: try readTags(into: fields, columns: &columns)
            case .event where isTopLevel && base[i] == Byte.openBrace:
                i += 1
                inner.reset()
                try parseMembers(of: inner, isTopLevel: false, into: &columns)
                fields.wrapped = inner
            case .delete where isTopLevel:
                fields.deletedID = try readOptionalString("delete", into: &columns.arena)
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
        try readStringIntoScratch()
        return scratch.withUnsafeBufferPointer { name -> Key in
            switch name.count {
            case 2 where matches(name, "id"): return .id
            case 4 where matches(name, "tags"): return .tags
            case 5 where matches(name, "event"): return .event
            case 6 where matches(name, "delete"): return .delete
            case 8 where matches(name, "end_time"): return .endTime
            case 9 where matches(name, "parent_id"): return .parentID
            case 9 where matches(name, "source_id"): return .sourceID
            case 10 where matches(name, "start_time"): return .startTime
            case 11 where matches(name, "description"): return .description
            case 11 where matches(name, "detail_urls"): return .detailURLs
            default: return .other
            }
        }
    }

    private func matches(_ name: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { $0.elementsEqual(name) }
    }

    // MARK: - Typed values

    /// A string member, or nil for `null`; any other type is an error naming the member.
    private mutating func readOptionalString(_ name: String, into arena: inout [UInt8]) throws(LineError) -> StringRef? {
        if base[i] == Byte.quote {
            i += 1
            let offset = arena.count
            try readStringBody(into: &arena)
            return StringRef(offset: UInt32(truncatingIfNeeded: offset), length: UInt32(truncatingIfNeeded: arena.count - offset))
        }
        if try readNull() { return nil }
        throw LineError(reason: "\(name) must be a string, not \(typeName(base[i]))")
    }

    private mutating func readOptionalTime(_ name: String) throws(LineError) -> Int64? {
        if try readNull() { return nil }
        guard base[i] == Byte.quote else { throw LineError(reason: "\(name) must be a string, not \(typeName(base[i]))") }
        i += 1
        try readStringIntoScratch()
        do {
            return try scratch.withUnsafeBufferPointer { buffer throws(Timestamp.Invalid) in try Timestamp.parse(buffer) }
        } catch {
            let shown = String(decoding: scratch.prefix(40), as: UTF8.self)
            throw LineError(reason: "\(name) \(quoted(shown)): \(error.reason)")
        }
    }

    private mutating func readDetailURLs(into arena: inout [UInt8]) throws(LineError) -> StringRef? {
        if try readNull() { return nil }
        guard base[i] == Byte.openBrace else { throw LineError(reason: "detail_urls must be an object, not \(typeName(base[i]))") }
        i += 1
        let offset = arena.count
        skipWhitespace()
        if i < count && base[i] == Byte.closeBrace {
            i += 1
        } else {
            while true {
                skipWhitespace()
                try expect(Byte.quote, "a member name")
                let nameStart = arena.count
                URLBlob.appendLength(0, to: &arena)
                try readStringBody(into: &arena)
                setLength(at: nameStart, in: &arena)
                skipWhitespace()
                try expect(Byte.colon, "':' after a member name")
                skipWhitespace()
                guard i < count, base[i] == Byte.quote else {
                    let name = String(decoding: arena[(nameStart + 4)...], as: UTF8.self)
                    throw LineError(reason: "detail_urls.\(name) must be a string, not \(i < count ? typeName(base[i]) : "nothing")")
                }
                i += 1
                let urlStart = arena.count
                URLBlob.appendLength(0, to: &arena)
                try readStringBody(into: &arena)
                setLength(at: urlStart, in: &arena)
                if try endOfContainer(Byte.closeBrace) { break }
            }
        }
        return StringRef(offset: UInt32(truncatingIfNeeded: offset), length: UInt32(truncatingIfNeeded: arena.count - offset))
    }

    private func setLength(at position: Int, in arena: inout [UInt8]) {
        let length = UInt32(truncatingIfNeeded: arena.count - position - 4).littleEndian
        withUnsafeBytes(of: length) { bytes in
            for k in 0..<4 { arena[position + k] = bytes[k] }
        }
    }

    /// `{"key": ["value", ...]}`; a single string stands for a one-value list. A repeated key
    /// replaces the earlier one (as in JSON parsers generally); repeated values count once.
    private mutating func readTags(into fields: Fields, columns: inout SegmentColumns) throws(LineError) {
        fields.tagPairs.removeAll(keepingCapacity: true)
        fields.tagKeys.removeAll(keepingCapacity: true)
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
            try readStringIntoScratch()
            let key = scratch.withUnsafeBytes { columns.internKey($0) }
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
                try readTagValue(key: key, into: fields, columns: &columns)
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
                        try readTagValue(key: key, into: fields, columns: &columns)
                        if try endOfContainer(Byte.closeBracket) { break }
                    }
                }
            } else {
                throw LineError(reason: "tag \(quoted(columns.tagArena.string(columns.keyNames[Int(key)]))) must be a list of strings, not \(typeName(base[i]))")
            }
            if try endOfContainer(Byte.closeBrace) { break }
        }
    }

    private mutating func readTagValue(key: UInt32, into fields: Fields, columns: inout SegmentColumns) throws(LineError) {
        try readStringIntoScratch()
        let pair = scratch.withUnsafeBytes { columns.internPair(key: key, value: $0) }
        if !fields.tagPairs.contains(pair) {
            fields.tagPairs.append(pair)
            fields.tagKeys.append(key)
        }
    }

    /// After a value inside a container: true at its closing byte, false at a comma.
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

    private mutating func readNull() throws(LineError) -> Bool {
        guard base[i] == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    // MARK: - Commit

    private func commit(_ line: UnsafeRawBufferPointer, lineNumber: Int, into columns: inout SegmentColumns) {
        let fields = outer.wrapped ?? outer
        let isDeletion = outer.wrapped == nil && outer.deletedID != nil
        columns.kinds.append(isDeletion ? .deletion : .event)
        columns.lineNumbers.append(UInt32(truncatingIfNeeded: lineNumber))
        let id = (isDeletion ? outer.deletedID : fields.id) ?? Self.generatedID(for: line, into: &columns.arena)
        columns.ids.append(id)
        columns.idHashes.append(columns.arena.withBytes(id) { hashBytes($0.baseAddress!, $0.count) })
        let parent = fields.parent ?? .empty
        columns.parents.append(parent)
        columns.parentHashes.append(parent.isEmpty ? 0 : columns.arena.withBytes(parent) { hashBytes($0.baseAddress!, $0.count) })
        columns.sources.append(fields.source ?? .empty)
        columns.descriptions.append(fields.description ?? .empty)
        columns.detailURLs.append(fields.detailURLs ?? .empty)
        let start = fields.start ?? fields.end ?? 0
        columns.starts.append(start)
        columns.ends.append(fields.end ?? start)
        columns.tagPairs.append(contentsOf: fields.tagPairs)
        columns.tagOffsets.append(UInt32(truncatingIfNeeded: columns.tagPairs.count))
    }

    /// A uuid4-shaped id derived from the line's bytes, so the same data always gets the same id.
    static func generatedID(for line: UnsafeRawBufferPointer, into arena: inout [UInt8]) -> StringRef {
        let high = hashBytes(line.baseAddress!, line.count, seed: 0x7479_6368_6F2D_6964)
        var low = hashBytes(line.baseAddress!, line.count, seed: 0x6576_656E_742D_6964)
        var bits = high
        bits = (bits & ~0xF000) | 0x4000  // version 4
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 4122 variant
        let hex = Array("0123456789abcdef".utf8)
        let offset = arena.count
        for (k, word) in [bits, low].enumerated() {
            for nibble in 0..<16 {
                if (k == 0 && (nibble == 8 || nibble == 12)) || (k == 1 && (nibble == 0 || nibble == 4)) {
                    arena.append(UInt8(ascii: "-"))
                }
                arena.append(hex[Int((word >> UInt64(60 - nibble * 4)) & 0xF)])
            }
        }
        return StringRef(offset: UInt32(truncatingIfNeeded: offset), length: 36)
    }

    // MARK: - Strings

    /// Decodes a string body into `scratch` (for names and values that are looked at, not kept).
    private mutating func readStringIntoScratch() throws(LineError) {
        var buffer: [UInt8] = []
        swap(&buffer, &scratch)
        buffer.removeAll(keepingCapacity: true)
        defer { swap(&buffer, &scratch) }
        try readStringBody(into: &buffer)
    }

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

    private mutating func expect(_ byte: UInt8, _ what: String) throws(LineError) {
        guard i < count, base[i] == byte else { throw syntax("expected \(what)") }
        i += 1
    }

    private func syntax(_ message: String) -> LineError {
        LineError(reason: "invalid JSON at column \(min(i, count) + 1): \(message)")
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private func typeName(_ byte: UInt8) -> String {
        switch byte {
        case Byte.openBrace: return "an object"
        case Byte.openBracket: return "a list"
        case Byte.quote: return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), 48...57: return "a number"
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

/// The fields of one JSON object while a line is read; reused from line to line.
private final class Fields {
    var id: StringRef?
    var idGiven = false
    var parent: StringRef?
    var source: StringRef?
    var description: StringRef?
    var start: Int64?
    var end: Int64?
    var detailURLs: StringRef?
    var tagPairs: [UInt32] = []
    var tagKeys: [UInt32] = []
    var hasTags = false
    var deletedID: StringRef?
    var wrapped: Fields?

    func reset() {
        (id, idGiven, parent, source, description, start, end, detailURLs) = (nil, false, nil, nil, nil, nil, nil, nil)
        tagPairs.removeAll(keepingCapacity: true)
        tagKeys.removeAll(keepingCapacity: true)
        hasTags = false
        deletedID = nil
        wrapped = nil
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

/// The offset of the first byte that is not valid UTF-8, or nil. ASCII runs go 8 bytes at a time.
func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = bytes.count
    guard let base = bytes.baseAddress else { return nil }
    var i = 0
    while i < n {
        if i + 8 <= n && UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
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
