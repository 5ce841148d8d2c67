import Foundation

/// libFuzzer's entry point: every input is tried as a timestamp, as one JSON line and as a whole
/// data file. A broken invariant stops the run through `fatalError`, which libFuzzer reports as
/// a crash and saves the input.
///
/// Built together with the TychoModel sources (see `make fuzz`) so the internal parser API is
/// reachable without making it public.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    TimestampChecks.check(bytes)
    LineChecks.check(bytes)
    FileChecks.check(bytes)
    return 0
}

/// Stops the run with a message naming the broken invariant.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}

// MARK: - Timestamps

enum TimestampChecks {
    static func check(_ bytes: [UInt8]) {
        let parsed = bytes.withUnsafeBufferPointer { buffer in try? Timestamp.parse(buffer) }
        let expected = TimestampReference.milliseconds(bytes)
        require(parsed == expected, "Timestamp.parse(\(show(bytes))) = \(String(describing: parsed)), reference \(String(describing: expected))")
        guard let parsed else { return }
        // What Tycho prints must read back as the same instant.
        let printed = Timestamp.format(parsed)
        require((try? Timestamp.parse(printed)) == parsed, "format(\(parsed)) = \(printed) does not parse back")
    }
}

// MARK: - One line

enum LineChecks {
    static func check(_ input: [UInt8]) {
        var line = Array(input.prefix { $0 != 0x0A })
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }  // only a file has a BOM
        var columns = SegmentColumns()
        var parser = EventLineParser()
        let outcome: Result<Void, LineError> = line.withUnsafeBytes { raw in
            Result { () throws(LineError) in try parser.parse(raw, lineNumber: 1, into: &columns) }
        }
        let isBlank = !line.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
        // The segment reader must agree with the parser on the same line (put second, where a
        // byte order mark is content, as it is to the parser).
        let store = load([0x0A] + line + [0x0A])
        switch outcome {
        case .success:
            require(store.problems.isEmpty && store.count <= 1, "parser accepted, reader says \(store.problems)")
        case .failure(let error):
            require(!error.reason.isEmpty, "a rejection without a reason")
            require(isBlank || store.problems.map(\.line) == [2], "parser rejected, reader has \(store.problems)")
            require(store.count == 0, "parser rejected, reader kept an event")
        }
        let event = store.count == 1 ? store.event(store.record(atRank: 0)) : nil
        compareWithFoundation(line, outcome, event)
        if let event { checkRoundTrip(event) }
    }

    /// The event printed by `EventJSON` is valid JSON without raw control characters, and reads
    /// back as the same event.
    static func checkRoundTrip(_ event: Event) {
        let printed = EventJSON.encode(event)
        require((try? JSONSerialization.jsonObject(with: Data(printed.utf8))) != nil, "EventJSON output is not JSON: \(printed)")
        let raw = printed.unicodeScalars.first { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }
        require(raw == nil, "EventJSON output holds a raw control character: \(printed)")
        let again = load(Array(printed.utf8) + [0x0A])
        require(again.problems.isEmpty && again.count == 1, "printed event does not load: \(printed) \(again.problems)")
        let reprinted = EventJSON.encode(again.event(again.record(atRank: 0)))
        require(Array(reprinted.utf8) == Array(printed.utf8), "round trip changed the event:\n  \(printed)\n  \(reprinted)")
    }

    /// Loads `bytes` as one data file.
    static func load(_ bytes: [UInt8]) -> EventStore {
        let segment = bytes.withUnsafeBytes { SegmentReader.parse($0, range: FileChecks.range) }
        return EventStore(files: [FileChecks.file], segments: [segment])
    }

    /// Foundation's JSON parser as a second opinion: what Tycho reads must be a JSON object,
    /// valid JSON must not be called invalid, and each field must be what the format's rules
    /// make of Foundation's reading.
    static func compareWithFoundation(_ line: [UInt8], _ outcome: Result<Void, LineError>, _ event: Event?) {
        // Foundation guesses UTF-16/32 from NUL bytes, limits nesting, and rejects a lone
        // surrogate escape that JSON's grammar allows (Tycho skips one in an unknown member, and
        // rejects one in a field it keeps); no second opinion on those.
        guard isValidUTF8(line), !line.contains(0), nesting(line) < 400 else { return }
        let foundation = try? JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed])
        if hasSurrogateEscape(line) {
            if foundation == nil { return }
            if case .failure(let error) = outcome, error.reason.contains("unpaired surrogate") { return }
        }
        guard let foundation else {
            if case .success = outcome { fatalError("invariant broken: Tycho read a line that is not JSON: \(show(line))") }
            return
        }
        guard let object = foundation as? [String: Any] else {
            if case .success = outcome { fatalError("invariant broken: Tycho read a JSON non-object: \(show(line))") }
            return
        }
        // Foundation also takes a comma before `}` or `]`, which JSON does not allow.
        if hasTrailingComma(line) {
            if case .success = outcome { fatalError("invariant broken: Tycho read a trailing comma: \(show(line))") }
            return
        }
        if case .failure(let error) = outcome, error.reason.hasPrefix("invalid JSON") {
            fatalError("invariant broken: Tycho calls valid JSON invalid (\(error.reason)): \(show(line))")
        }
        // With a repeated key Tycho checks every occurrence, Foundation keeps the last one; and
        // Foundation drops a U+FEFF that starts a string, which Tycho keeps as written.
        guard EventOracle.memberNameCount(line) == EventOracle.keyCount(object), !hasByteOrderMark(line) else { return }
        switch (EventOracle.expectation(for: object), outcome) {
        case (.rejected, .failure): return
        case (.deletion, .success): require(event == nil, "a deletion line made an event: \(show(line))")
        case (.event(var expected), .success):
            guard let event else { fatalError("invariant broken: an accepted event is not in the store: \(show(line))") }
            let actual = CanonicalEvent(event)
            if expected.id == nil {
                require(actual.id?.count == 36, "a made-up id is not uuid-shaped: \(event.id)")
                expected.id = actual.id
            }
            require(actual == expected, "fields differ from the reference for \(show(line)):\n  tycho     \(actual)\n  reference \(expected)")
        case (let expected, .failure(let error)):
            fatalError("invariant broken: expected \(expected), Tycho rejected (\(error.reason)): \(show(line))")
        case (let expected, .success):
            fatalError("invariant broken: expected \(expected), Tycho accepted: \(show(line))")
        }
    }

    /// Whether a `,` outside strings is followed (after whitespace) by `}` or `]`.
    static func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        var inString = false, k = 0
        while k < bytes.count {
            let byte = bytes[k]
            if inString {
                if byte == 0x5C { k += 1 } else if byte == 0x22 { inString = false }
            } else if byte == 0x22 {
                inString = true
            } else if byte == 0x2C {
                var next = k + 1
                while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                if next < bytes.count && (bytes[next] == 0x7D || bytes[next] == 0x5D) { return true }
            }
            k += 1
        }
        return false
    }

    /// Whether U+FEFF appears, as UTF-8 or as an escape.
    static func hasByteOrderMark(_ bytes: [UInt8]) -> Bool {
        let lowered = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        for pattern in [[0xEF, 0xBB, 0xBF], Array("\\ufeff".utf8)] as [[UInt8]] where lowered.count >= pattern.count {
            for k in 0...(lowered.count - pattern.count) where lowered[k..<k + pattern.count].elementsEqual(pattern) { return true }
        }
        return false
    }

    /// Whether a `\uD800`–`\uDFFF` escape appears (or something that might be one).
    static func hasSurrogateEscape(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for k in 0..<bytes.count - 3 where bytes[k] == 0x5C && bytes[k + 1] == 0x75 && bytes[k + 2] | 0x20 == 0x64 {
            if [0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66].contains(bytes[k + 3] | 0x20) { return true }
        }
        return false
    }

    static func nesting(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 + ($1 == 0x5B || $1 == 0x7B ? 1 : 0) } }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}

// MARK: - A whole file

enum FileChecks {
    static let range = SegmentReader.Range(fileIndex: 0, path: "fuzz.jsonl", start: 0, end: nil)
    static let file = DataFile(path: "fuzz.jsonl", name: "fuzz.jsonl", size: 0)

    static func check(_ bytes: [UInt8]) {
        let segment = bytes.withUnsafeBytes { SegmentReader.parse($0, range: range) }
        let lines = nonBlankLines(bytes)
        let accounted = segment.count + segment.localProblems.count + (segment.hasPendingLine ? 1 : 0)
        require(accounted == lines.count, "\(lines.count) non-blank lines, \(accounted) records, problems and pending")
        require(segment.endOffset <= bytes.count, "read past the end")
        for problem in segment.localProblems {
            require(problem.line >= 1 && problem.line <= segment.lineCount, "problem on line \(problem.line) of \(segment.lineCount)")
            require(!problem.reason.isEmpty, "a problem without a reason")
        }
        let store = EventStore(files: [file], segments: [segment])
        let trees = checkQueries(store)
        checkSplit(bytes, store, trees)
    }

    /// Every tree query ends and lists each event once; one tree prints as JSON. Returns the
    /// ids of each event's tree rows, in timeline order.
    static func checkQueries(_ store: EventStore) -> [[String]] {
        var trees: [[String]] = []
        for rank in 0..<store.count {
            let record = store.record(atRank: rank)
            let trace = store.trace(record)
            require(Set(trace).count == trace.count, "trace repeats an event")
            let rows = store.tree(record)
            let shown = rows.filter { !$0.isBackReference }.map(\.record)
            require(Set(shown).count == shown.count, "tree shows an event twice")
            require(shown.contains(record), "tree of an event leaves it out")
            if rank == 0 {
                let printed = EventJSON.encodeTree(rows, store: store)
                require((try? JSONSerialization.jsonObject(with: Data(printed.utf8))) != nil, "encodeTree output is not JSON: \(printed)")
            }
            trees.append(rows.map { store.id($0.record) })
        }
        return trees
    }

    /// The same bytes read as two ranges (cut after the middle newline, as the loader cuts big
    /// files) give the same store: events, order, problems with their line numbers, and trees.
    static func checkSplit(_ bytes: [UInt8], _ whole: EventStore, _ wholeTrees: [[String]]) {
        let newlines = bytes.indices.filter { bytes[$0] == 0x0A }
        guard !newlines.isEmpty else { return }
        let cut = newlines[newlines.count / 2] + 1
        let first = bytes.withUnsafeBytes { SegmentReader.parse(UnsafeRawBufferPointer(rebasing: $0[..<cut]), range: range) }
        let secondRange = SegmentReader.Range(fileIndex: 0, path: "fuzz.jsonl", start: cut, end: nil)
        let second = bytes.withUnsafeBytes { SegmentReader.parse(UnsafeRawBufferPointer(rebasing: $0[cut...]), range: secondRange) }
        second.firstLine = first.firstLine + first.lineCount
        let split = EventStore(files: [file], segments: [first, second])
        require(split.problems == whole.problems, "problems differ when split:\n  \(whole.problems)\n  \(split.problems)")
        let events = { (store: EventStore) in EventJSON.encodeList((0..<store.count).map { store.event(store.record(atRank: $0)) }) }
        require(Array(events(split).utf8) == Array(events(whole).utf8), "events differ when split:\n  \(events(whole))\n  \(events(split))")
        let lines = { (store: EventStore) in (0..<store.count).map { "\(store.location(store.record(atRank: $0)))" } }
        require(lines(split) == lines(whole), "line numbers differ when split: \(lines(whole)) \(lines(split))")
        let splitTrees = (0..<split.count).map { split.tree(split.record(atRank: $0)).map { split.id($0.record) } }
        require(splitTrees == wholeTrees, "trees differ when split")
    }

    /// The lines the segment reader should account for: not blank, without a leading BOM.
    static func nonBlankLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        return body.split(separator: 0x0A, omittingEmptySubsequences: false).filter { line in
            line.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
        }
    }
}

/// Input bytes for a message: printable ASCII as is, the rest as `\xNN`.
func show(_ bytes: [UInt8]) -> String {
    bytes.prefix(300).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
}
