extension EventStore {
    /// The timeline positions in `range` whose events end at or after `from` (if given) and
    /// contain every text (lower-cased) in their description or id, ascending.
    ///
    /// Every event of the range is read, so the range is split over the cores; within a task,
    /// runs of neighbours from one segment are read through its buffers (no retain per event).
    func positions(in range: Range<UInt32>, endingFrom from: Int64?, containing texts: [[UInt8]]) -> [UInt32] {
        let lower = Int(range.lowerBound), count = range.count
        let tasks = count < 20_000 ? 1 : workParts * 4
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
                                    if texts.allSatisfy({ containsFolded(blob.description, $0) || blob.id.containsFolded($0) }) {
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
/// must match exactly. Candidates for the first byte are found eight bytes at a time.
func containsFolded(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
    let n = needle.count, h = haystack.count
    if n == 0 { return true }
    if n > h { return false }
    guard let base = haystack.baseAddress else { return false }
    return needle.withUnsafeBufferPointer { needle in
        let first = needle[0]
        let isLetter = first >= 0x61 && first <= 0x7A
        // A letter's upper case differs by 0x20: or-ing 0x20 into every byte maps both cases to
        // the lower one (and a few other bytes elsewhere, which the full check then rejects).
        let fold: UInt64 = isLetter ? 0x2020_2020_2020_2020 : 0
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let wanted = ones &* UInt64(first)
        func matches(at i: Int) -> Bool {
            var k = 1
            while k < n {
                var byte = base.load(fromByteOffset: i + k, as: UInt8.self)
                if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                if byte != needle[k] { return false }
                k += 1
            }
            return true
        }
        let last = h - n
        var i = 0
        while i + 8 <= last + 1 {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) | fold
            let difference = word ^ wanted
            var candidates = (difference &- ones) & ~difference & highs
            while candidates != 0 {
                let at = i + candidates.trailingZeroBitCount / 8
                let byte = base.load(fromByteOffset: at, as: UInt8.self)
                if (byte == first || (isLetter && byte | 0x20 == first)) && matches(at: at) { return true }
                candidates &= candidates - 1
            }
            i += 8
        }
        while i <= last {
            let byte = base.load(fromByteOffset: i, as: UInt8.self)
            if (byte == first || (isLetter && byte | 0x20 == first)) && matches(at: i) { return true }
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
