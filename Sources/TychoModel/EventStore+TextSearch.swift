extension EventStore {
    /// The timeline positions in `range` whose events end at or after `from` (if given) and
    /// contain every text (lower-cased) in their description or id, ascending.
    ///
    /// Every event of the range is read, so the range is split over the cores; within a task,
    /// runs of neighbours from one segment are read through its buffers (no retain per event).
    func positions(in range: Range<UInt32>, endingFrom from: Int64?, containing texts: [[UInt8]]) -> [UInt32] {
        let lower = Int(range.lowerBound), count = range.count
        let tasks = count < 20_000 ? 1 : workParts * 4
        // A UUID's text has only hex digits and dashes; other needles skip formatting it.
        let fitsUUID = texts.map { text in text.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2D } }
        let chunk = (count + tasks - 1) / tasks
        var found = [[UInt32]](repeating: [], count: tasks)
        found.withUnsafeMutableBufferPointer { found in
            concurrently(tasks) { task in
                var mine: [UInt32] = []
                var position = lower + task * chunk
                let end = min(lower + count, position + chunk)
                while position < end {
                    let s = Int(recordSegment[Int(timeline[position])]), base = segmentBase[s]
                    let columns = segments[s].columns
                    columns.arena.withUnsafeBytes { arena in
                        columns.blobOffsets.withUnsafeBufferPointer { offsets in
                            while position < end {
                                let record = Int(timeline[position])
                                guard Int(recordSegment[record]) == s else { break }
                                if from == nil || ends[record] >= from! {
                                    let blob = RecordBlob(arena: arena, at: Int(offsets[record - base]))
                                    if texts.indices.allSatisfy({ k in
                                        containsFolded(blob.description, texts[k])
                                            || (blob.id.isUUID ? fitsUUID[k] && blob.id.containsFolded(texts[k]) : containsFolded(blob.id.bytes, texts[k]))
                                    }) {
                                        mine.append(UInt32(position))
                                    }
                                }
                                position += 1
                            }
                        }
                    }
                }
                found[task] = mine
            }
        }
        return Array(found.joined())
    }
}

/// Whether `haystack` contains `needle` (lower-case), ignoring ASCII case; non-ASCII bytes
/// must match exactly. Positions are tried eight at a time: only those where both the needle's
/// first and last byte fit are checked in full. (Swift's SIMD types compile to one lane at a time
/// here, so words it is.)
func containsFolded(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
    let n = needle.count, h = haystack.count
    if n == 0 { return true }
    if n > h { return false }
    guard let base = haystack.baseAddress else { return false }
    return needle.withUnsafeBufferPointer { needle in
        let first = needle[0], final = needle[n - 1]
        // A letter's upper case differs by 0x20: or-ing 0x20 into every byte maps both cases to
        // the lower one (and a few other bytes, which the full check then rejects).
        func fold(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? 0x20 : 0 }
        func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        func matches(at i: Int) -> Bool {
            for k in 0..<n where folded(base.load(fromByteOffset: i + k, as: UInt8.self)) != needle[k] { return false }
            return true
        }
        let last = h - n  // the last position a match can start at
        var i = 0
        // The last word may overlap positions already tried, which are masked off.
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
            let difference = (word | ones &* UInt64(fold(byte))) ^ (ones &* UInt64(byte))
            return (difference &- ones) & ~difference & highs  // the lowest set byte is sure; matches() settles the rest
        }
        while i <= last && last + 1 >= 8 {
            let start = min(i, last - 7)
            let head = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            let tail = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start + n - 1, as: UInt64.self))
            var candidates = equal(head, first) & equal(tail, final) & (~0 << UInt64((i - start) * 8))
            while candidates != 0 {
                if matches(at: start + candidates.trailingZeroBitCount / 8) { return true }
                candidates &= candidates - 1
            }
            i = start + 8
        }
        while i <= last {
            if matches(at: i) { return true }
            i += 1
        }
        return false
    }
}

/// A set of record numbers as one bit each (a tree walk marks every node it shows).
struct RecordSet {
    private var words: [UInt64]

    init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }

    /// Adds `record`; false if it was there already.
    mutating func insert(_ record: Int) -> Bool {
        let bit: UInt64 = 1 << UInt64(record & 63)
        let isNew = words[record >> 6] & bit == 0
        words[record >> 6] |= bit
        return isNew
    }
}
