#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EventStore {
    /// The arrays of a store while it is built.
    struct Parts {
        var recordSegment: [UInt32] = []
        var recordLocal: [UInt32] = []
        var starts: [Int64] = []
        var ends: [Int64] = []
        var recordSlot: [UInt32] = []
        var parentSlot: [UInt32] = []
        var idIndex = HashIndex()
        var slotSegment: [UInt32] = []
        var slotRef: [StringRef] = []
        var slotRecord: [Int32] = []
        var timeline: [UInt32] = []
        var rank: [UInt32] = []
        var longestDuration: Int64 = 0
        var tagArena: [UInt8] = []
        var keyNames: [StringRef] = []
        var keyIndex = HashIndex()
        var pairKey: [UInt32] = []
        var pairValue: [StringRef] = []
        var pairIndex = HashIndex()
        var pairRemap: [[UInt32]] = []
        var postingOffsets: [UInt32] = []
        var postings: [UInt32] = []
        var childOffsets: [UInt32] = []
        var children: [UInt32] = []
    }

    /// Indexes `segments`, given in the order their lines count (a later record of an id wins).
    convenience init(files: [DataFile], segments: [Segment], fileProblems: [LoadProblem] = []) {
        var parts = Parts()
        let total = segments.reduce(0) { $0 + $1.count }
        parts.internTags(of: segments)
        parts.placeRecords(of: segments, total: total)
        parts.resolveIDs(of: segments, total: total)
        parts.sortTimeline(segments: segments)
        parts.buildPostings(segments: segments)
        parts.buildChildren(segments: segments)
        var problems = fileProblems
        for segment in segments {
            let name = files[segment.fileIndex].name
            for problem in segment.localProblems {
                problems.append(LoadProblem(file: name, line: problem.line + segment.firstLine - 1, reason: problem.reason))
            }
        }
        problems.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        self.init(files: files, segments: segments, problems: problems, parts: parts)
    }
}

extension EventStore.Parts {
    /// Gives every tag key and key:value pair of every segment a global number.
    mutating func internTags(of segments: [Segment]) {
        for segment in segments {
            let columns = segment.columns
            let keyRemap = columns.keyNames.map { ref in
                columns.tagArena.withBytes(ref) { internKey($0) }
            }
            pairRemap.append(columns.pairKeys.indices.map { local in
                columns.tagArena.withBytes(columns.pairValues[local]) { internPair(key: keyRemap[Int(columns.pairKeys[local])], value: $0) }
            })
        }
    }

    private mutating func internKey(_ key: UnsafeRawBufferPointer) -> UInt32 {
        let hash = hashBytes(key.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, key.count)
        if let found = keyIndex.find(hash, { [tagArena, keyNames] in tagArena.bytesEqual(keyNames[Int($0)], key) }) { return found }
        let entry = UInt32(keyNames.count)
        keyNames.append(tagArena.store(key))
        keyIndex.insert(hash, entry: entry)
        return entry
    }

    private mutating func internPair(key: UInt32, value: UnsafeRawBufferPointer) -> UInt32 {
        let hash = hashBytes(value.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, value.count, seed: UInt64(key) &+ 0x1234_5678_9ABC)
        let found = pairIndex.find(hash) { [tagArena, pairKey, pairValue] in
            pairKey[Int($0)] == key && tagArena.bytesEqual(pairValue[Int($0)], value)
        }
        if let found { return found }
        let entry = UInt32(pairKey.count)
        pairKey.append(key)
        pairValue.append(tagArena.store(value))
        pairIndex.insert(hash, entry: entry)
        return entry
    }

    /// Numbers every record and gathers the columns the indexes scan.
    mutating func placeRecords(of segments: [Segment], total: Int) {
        recordSegment.reserveCapacity(total)
        recordLocal.reserveCapacity(total)
        starts.reserveCapacity(total)
        ends.reserveCapacity(total)
        for (s, segment) in segments.enumerated() {
            let columns = segment.columns
            recordSegment.append(contentsOf: repeatElement(UInt32(s), count: segment.count))
            recordLocal.append(contentsOf: (0..<UInt32(segment.count)))
            starts.append(contentsOf: columns.starts)
            ends.append(contentsOf: columns.ends)
        }
    }

    /// Maps every id (and every parent id) to a slot; a later record of an id replaces the
    /// earlier one, and a deletion empties the slot.
    mutating func resolveIDs(of segments: [Segment], total: Int) {
        idIndex = HashIndex(expected: total + total / 8)
        recordSlot = [UInt32](repeating: 0, count: total)
        parentSlot = [UInt32](repeating: EventStore.noSlot, count: total)
        slotSegment.reserveCapacity(total)
        slotRef.reserveCapacity(total)
        slotRecord.reserveCapacity(total)
        var record = 0
        for (s, segment) in segments.enumerated() {
            let columns = segment.columns
            columns.arena.withUnsafeBytes { arena in
                for local in 0..<segment.count {
                    let slot = self.slot(for: columns.ids[local], hash: columns.idHashes[local], segment: s, arena: arena, segments: segments)
                    recordSlot[record] = slot
                    if columns.kinds[local] == .deletion {
                        slotRecord[Int(slot)] = -1
                    } else {
                        slotRecord[Int(slot)] = Int32(record)
                        if !columns.parents[local].isEmpty {
                            parentSlot[record] = self.slot(for: columns.parents[local], hash: columns.parentHashes[local], segment: s, arena: arena, segments: segments)
                        }
                    }
                    record += 1
                }
            }
        }
    }

    private mutating func slot(for ref: StringRef, hash: UInt64, segment: Int, arena: UnsafeRawBufferPointer,
                               segments: [Segment]) -> UInt32 {
        let bytes = UnsafeRawBufferPointer(rebasing: arena[Int(ref.offset)..<Int(ref.offset + ref.length)])
        let found = idIndex.find(hash) { [slotSegment, slotRef] slot in
            let owner = Int(slotSegment[Int(slot)])
            return owner == segment
                ? memcmpEqual(arena, slotRef[Int(slot)], bytes)
                : segments[owner].columns.arena.bytesEqual(slotRef[Int(slot)], bytes)
        }
        if let found { return found }
        let slot = UInt32(slotRecord.count)
        slotSegment.append(UInt32(segment))
        slotRef.append(ref)
        slotRecord.append(-1)
        idIndex.insert(hash, entry: slot)
        return slot
    }

    /// Orders live records newest first (ties by id) and notes each one's rank.
    mutating func sortTimeline(segments: [Segment]) {
        let total = recordSlot.count
        rank = [UInt32](repeating: EventStore.notLive, count: total)
        timeline.reserveCapacity(slotRecord.count)
        // Records are mostly in time order within files; walking backwards hands the sort long runs.
        for record in stride(from: total - 1, through: 0, by: -1) where slotRecord[Int(recordSlot[record])] == Int32(record) {
            timeline.append(UInt32(record))
        }
        let starts = self.starts
        let recordSegment = self.recordSegment, recordLocal = self.recordLocal
        timeline.sort { a, b in
            let startA = starts[Int(a)], startB = starts[Int(b)]
            if startA != startB { return startA > startB }
            return idPrecedes(Int(a), Int(b), segments: segments, recordSegment: recordSegment, recordLocal: recordLocal)
        }
        var longest: Int64 = 0
        for (position, record) in timeline.enumerated() {
            rank[Int(record)] = UInt32(position)
            longest = max(longest, ends[Int(record)] - starts[Int(record)])
        }
        longestDuration = longest
    }

    /// Per tag pair, the ranks of the live events that carry it, ascending.
    mutating func buildPostings(segments: [Segment]) {
        var counts = [UInt32](repeating: 0, count: pairKey.count + 1)
        forEachLivePair(segments: segments) { pair, _ in counts[Int(pair) + 1] += 1 }
        for k in 1..<counts.count { counts[k] += counts[k - 1] }
        postingOffsets = counts
        var cursor = counts
        var filled = [UInt32](repeating: 0, count: Int(counts.last ?? 0))
        filled.withUnsafeMutableBufferPointer { filled in
            forEachLivePair(segments: segments) { pair, position in
                filled[Int(cursor[Int(pair)])] = position
                cursor[Int(pair)] += 1
            }
        }
        postings = filled
    }

    private func forEachLivePair(segments: [Segment], _ body: (UInt32, UInt32) -> Void) {
        for (position, record) in timeline.enumerated() {
            let segment = Int(recordSegment[Int(record)])
            let columns = segments[segment].columns
            let local = Int(recordLocal[Int(record)])
            let remap = pairRemap[segment]
            for k in Int(columns.tagOffsets[local])..<Int(columns.tagOffsets[local + 1]) {
                body(remap[Int(columns.tagPairs[k])], UInt32(position))
            }
        }
    }

    /// Per slot, its live children oldest first (ties by id).
    mutating func buildChildren(segments: [Segment]) {
        var counts = [UInt32](repeating: 0, count: slotRecord.count + 1)
        for record in timeline where parentSlot[Int(record)] != EventStore.noSlot {
            counts[Int(parentSlot[Int(record)]) + 1] += 1
        }
        for k in 1..<counts.count { counts[k] += counts[k - 1] }
        childOffsets = counts
        var cursor = counts
        children = [UInt32](repeating: 0, count: Int(counts.last ?? 0))
        for record in timeline.reversed() where parentSlot[Int(record)] != EventStore.noSlot {
            let slot = Int(parentSlot[Int(record)])
            children[Int(cursor[slot])] = record
            cursor[slot] += 1
        }
        // The reversed timeline is oldest first but breaks ties by id descending; fix those runs.
        for slot in 0..<slotRecord.count {
            let lower = Int(childOffsets[slot]), upper = Int(childOffsets[slot + 1])
            var k = lower
            while k + 1 < upper {
                var end = k + 1
                while end < upper && starts[Int(children[end])] == starts[Int(children[k])] { end += 1 }
                if end - k > 1 { children[k..<end].reverse() }
                k = end
            }
        }
    }
}

/// Whether record `a`'s id sorts before record `b`'s (bytewise, which is code point order).
func idPrecedes(_ a: Int, _ b: Int, segments: [Segment], recordSegment: [UInt32], recordLocal: [UInt32]) -> Bool {
    let columnsA = segments[Int(recordSegment[a])].columns, columnsB = segments[Int(recordSegment[b])].columns
    return columnsA.arena.withBytes(columnsA.ids[Int(recordLocal[a])]) { idA in
        columnsB.arena.withBytes(columnsB.ids[Int(recordLocal[b])]) { idB in
            idA.lexicographicallyPrecedes(idB)
        }
    }
}

@inline(__always)
func memcmpEqual(_ arena: UnsafeRawBufferPointer, _ ref: StringRef, _ bytes: UnsafeRawBufferPointer) -> Bool {
    guard Int(ref.length) == bytes.count else { return false }
    if bytes.count == 0 { return true }
    return memcmp(arena.baseAddress! + Int(ref.offset), bytes.baseAddress!, bytes.count) == 0
}
