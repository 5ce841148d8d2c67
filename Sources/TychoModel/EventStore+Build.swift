extension EventStore {
    /// The arrays of a store while it is built.
    struct Parts {
        var recordSegment: [UInt32] = []
        var segmentBase: [Int] = [0]
        var starts: [Int64] = []
        var ends: [Int64] = []
        var recordSlot: [UInt32] = []
        var parentSlot: [UInt32] = []
        var idIndexes: [HashIndex] = []
        var slotBase: [UInt32] = []
        var slotOwner: [UInt32] = []
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
        /// While building: each segment's tags as global pair numbers, record after record (read
        /// once with the ids, so the postings do not go back to the blobs), and where each starts.
        var segmentTags: [[UInt32]] = []
        var segmentTagOffsets: [[UInt32]] = []
    }

    /// Indexes `segments`, given in the order their lines count (a later record of an id wins).
    /// Every phase but tag interning runs on all cores.
    convenience init(files: [DataFile], segments: [Segment], fileProblems: [LoadProblem] = []) {
        var parts = Parts()
        parts.placeRecords(of: segments)
        parts.internTags(of: segments)
        parts.resolveIDs(of: segments)
        parts.sortTimeline(segments: segments)
        parts.buildPostings(segments: segments)
        parts.buildChildren()
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

/// Which part of the split id index holds `hash` (`parts` is a power of two). The low bits
/// choose the part; `HashIndex` uses the high ones.
@inline(__always)
func idPart(_ hash: UInt64, parts: Int) -> Int { Int(truncatingIfNeeded: hash) & (parts - 1) }

extension EventStore.Parts {
    /// Numbers every record and gathers the columns the indexes scan.
    mutating func placeRecords(of segments: [Segment]) {
        for segment in segments { segmentBase.append(segmentBase[segmentBase.count - 1] + segment.count) }
        let total = segmentBase[segments.count], bases = segmentBase
        recordSegment = [UInt32](repeating: 0, count: total)
        starts = [Int64](repeating: 0, count: total)
        ends = [Int64](repeating: 0, count: total)
        recordSegment.withUnsafeMutableBufferPointer { recordSegment in
            starts.withUnsafeMutableBufferPointer { starts in
                ends.withUnsafeMutableBufferPointer { ends in
                    concurrently(segments.count) { s in
                        let columns = segments[s].columns, range = bases[s]..<bases[s + 1]
                        for record in range { recordSegment[record] = UInt32(s) }
                        _ = UnsafeMutableBufferPointer(rebasing: starts[range]).initialize(from: columns.starts)
                        _ = UnsafeMutableBufferPointer(rebasing: ends[range]).initialize(from: columns.ends)
                    }
                }
            }
        }
    }

    // MARK: - Tags

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

    // MARK: - Ids

    /// What the id resolution needs of each record, gathered in one parallel pass.
    private struct RecordKeys {
        var idHash: UInt64 = 0
        var parentHash: UInt64 = 0
        /// The earlier record whose id is the parent, or `noParent`, or `parentByHash`.
        var parent: UInt32 = RecordKeys.noParent
        var isDeletion = false

        static let noParent = UInt32.max
        static let parentByHash = UInt32.max - 1
    }

    /// Maps every id (and every parent id) to a slot; a later record of an id replaces the
    /// earlier one, and a deletion empties the slot.
    ///
    /// The ids are split by hash into parts, several per core so each part's table stays in the
    /// cache. The records are first sorted by part (keeping their order), then each part takes
    /// its records' ids in order ("later wins" needs no more) and then the parents it holds.
    mutating func resolveIDs(of segments: [Segment]) {
        let total = recordSegment.count, bases = segmentBase
        let parts = workParts * 8, shift = parts.trailingZeroBitCount
        let keys = gatherKeys(of: segments)
        // Each record once by the part of its id, and those naming a parent by the parent's part.
        let byID = partition(total, parts: parts) { idPart(keys[$0].idHash, parts: parts) }
        let byParent = partition(total, parts: parts) { record in
            let key = keys[record]
            if key.parent == RecordKeys.parentByHash { return idPart(key.parentHash, parts: parts) }
            return key.parent == RecordKeys.noParent ? -1 : idPart(keys[Int(key.parent)].idHash, parts: parts)
        }

        recordSlot = [UInt32](repeating: 0, count: total)
        parentSlot = [UInt32](repeating: EventStore.noSlot, count: total)
        var indexes = [HashIndex](repeating: HashIndex(), count: parts)
        var owners = [[UInt32]](repeating: [], count: parts)
        var lives = [[Int32]](repeating: [], count: parts)
        let recordSegment = self.recordSegment
        /// Calls `body` with the id a record has (or, `asParent`, names as its parent).
        func withID<R>(_ record: Int, asParent: Bool, _ body: (IDKey) -> R) -> R {
            let s = Int(recordSegment[record]), local = record - bases[s]
            return asParent ? segments[s].columns.withParentID(local, body) : segments[s].columns.withID(local, body)
        }
        keys.withUnsafeBufferPointer { keys in
            recordSlot.withUnsafeMutableBufferPointer { recordSlot in
                parentSlot.withUnsafeMutableBufferPointer { parentSlot in
                    indexes.withUnsafeMutableBufferPointer { indexes in
                        owners.withUnsafeMutableBufferPointer { owners in
                            lives.withUnsafeMutableBufferPointer { lives in
                                concurrently(parts) { part in
                                    let ids = byID.records(in: part), parents = byParent.records(in: part)
                                    var index = HashIndex(expected: ids.count + parents.count / 8 + 16, maximumLoadInQuarters: 3)
                                    var owner: [UInt32] = [], live: [Int32] = []
                                    owner.reserveCapacity(ids.count + 16)
                                    live.reserveCapacity(ids.count + 16)
                                    /// The part's entry for the id `record` has (or names), added if new.
                                    func entry(_ hash: UInt64, _ record: Int, asParent: Bool) -> UInt32 {
                                        let found = index.find(hash) { entry in
                                            let other = owner[Int(entry)]
                                            return withID(Int(other >> 1), asParent: other & 1 == 1) { known in
                                                withID(record, asParent: asParent) { known == $0 }
                                            }
                                        }
                                        if let found { return found }
                                        let new = UInt32(owner.count)
                                        owner.append(UInt32(record) << 1 | (asParent ? 1 : 0))
                                        live.append(-1)
                                        index.insert(hash, entry: new)
                                        return new
                                    }
                                    for record in ids {
                                        let key = keys[Int(record)]
                                        let slot = entry(key.idHash, Int(record), asParent: false)
                                        recordSlot[Int(record)] = slot << shift | UInt32(part)
                                        live[Int(slot)] = key.isDeletion ? -1 : Int32(record)
                                    }
                                    for record in parents {
                                        let key = keys[Int(record)]
                                        if key.parent == RecordKeys.parentByHash {
                                            parentSlot[Int(record)] = entry(key.parentHash, Int(record), asParent: true) << shift | UInt32(part)
                                        } else {
                                            // The parent is an earlier record's id, resolved above.
                                            parentSlot[Int(record)] = recordSlot[Int(key.parent)]
                                        }
                                    }
                                    indexes[part] = index
                                    owners[part] = owner
                                    lives[part] = live
                                }
                            }
                        }
                    }
                }
            }
        }

        // Slots were numbered per part; number them globally, part after part.
        idIndexes = indexes
        slotBase = [0]
        for part in 0..<parts { slotBase.append(slotBase[part] + UInt32(owners[part].count)) }
        slotOwner = Array(owners.joined())
        slotRecord = Array(lives.joined())
        let slotBase = self.slotBase, mask = UInt32(parts - 1)
        let chunk = (total + workParts - 1) / workParts
        recordSlot.withUnsafeMutableBufferPointer { recordSlot in
            parentSlot.withUnsafeMutableBufferPointer { parentSlot in
                concurrently(workParts) { k in
                    for record in k * chunk..<min(total, (k + 1) * chunk) {
                        let slot = recordSlot[record]
                        recordSlot[record] = slotBase[Int(slot & mask)] + slot >> shift
                        let parent = parentSlot[record]
                        if parent != EventStore.noSlot { parentSlot[record] = slotBase[Int(parent & mask)] + parent >> shift }
                    }
                }
            }
        }
    }

    /// Reads every record's blob once, in order, on all cores: the hashes and parent links the
    /// id resolution needs, and the tags (as global pairs) the postings need.
    private mutating func gatherKeys(of segments: [Segment]) -> [RecordKeys] {
        let total = recordSegment.count, bases = segmentBase, remaps = pairRemap
        var keys = [RecordKeys](repeating: RecordKeys(), count: total)
        var tags = [[UInt32]](repeating: [], count: segments.count)
        var tagOffsets = [[UInt32]](repeating: [], count: segments.count)
        keys.withUnsafeMutableBufferPointer { keys in
            tags.withUnsafeMutableBufferPointer { tags in
                tagOffsets.withUnsafeMutableBufferPointer { tagOffsets in
                    concurrently(segments.count) { s in
                        let columns = segments[s].columns, base = bases[s], remap = remaps[s]
                        var segmentTags: [UInt32] = [], offsets: [UInt32] = [0]
                        segmentTags.reserveCapacity(columns.count * 8)
                        offsets.reserveCapacity(columns.count + 1)
                        columns.arena.withUnsafeBytes { arena in
                            for local in 0..<columns.count {
                                let offset = Int(columns.blobOffsets[local])
                                let blob = RecordBlob(arena: arena, at: offset)
                                var entry = RecordKeys(idHash: blob.id.hash)
                                if columns.kinds[local] == .deletion {
                                    entry.isDeletion = true
                                } else if blob.parentRecord >= 0 {
                                    entry.parent = UInt32(base + blob.parentRecord)
                                } else if blob.parent.bytes.count > 0 {
                                    entry.parent = RecordKeys.parentByHash
                                    entry.parentHash = blob.parent.hash
                                }
                                keys[base + local] = entry
                                RecordBlob.forEachTag(arena: arena, at: offset) { segmentTags.append(remap[Int($0)]) }
                                offsets.append(UInt32(segmentTags.count))
                            }
                        }
                        tags[s] = segmentTags
                        tagOffsets[s] = offsets
                    }
                }
            }
        }
        segmentTags = tags
        segmentTagOffsets = tagOffsets
        return keys
    }

    // MARK: - Timeline

    /// Orders live records newest first (ties by id) and notes each one's rank.
    mutating func sortTimeline(segments: [Segment]) {
        let total = recordSlot.count
        var entries: [TimelineEntry] = []
        entries.reserveCapacity(slotRecord.count)
        // Records are mostly in time order within files; walking backwards hands the sort long runs.
        for record in stride(from: total - 1, through: 0, by: -1) where slotRecord[Int(recordSlot[record])] == Int32(record) {
            entries.append(TimelineEntry(start: starts[record], record: UInt32(record)))
        }
        let recordSegment = self.recordSegment, bases = segmentBase
        func idPrecedes(_ a: UInt32, _ b: UInt32) -> Bool {
            func withID<R>(_ record: UInt32, _ body: (IDKey) -> R) -> R {
                let s = Int(recordSegment[Int(record)])
                return segments[s].columns.withRecord(Int(record) - bases[s]) { body($0.id) }
            }
            return withID(a) { idA in withID(b) { idB in idA.precedes(idB) } }
        }
        sortInParallel(&entries) { a, b in a.start != b.start ? a.start > b.start : idPrecedes(a.record, b.record) }
        timeline = entries.map(\.record)
        rank = [UInt32](repeating: EventStore.notLive, count: total)
        var longest: Int64 = 0
        let ends = self.ends
        rank.withUnsafeMutableBufferPointer { rank in
            for (position, entry) in entries.enumerated() {
                rank[Int(entry.record)] = UInt32(position)
                longest = max(longest, ends[Int(entry.record)] - entry.start)
            }
        }
        longestDuration = longest
    }

    // MARK: - Postings and children

    /// Per tag pair, the ranks of the live events that carry it, ascending. Each task counts and
    /// then fills its own stretch of the timeline, so every list comes out in order.
    mutating func buildPostings(segments: [Segment]) {
        let pairCount = pairKey.count, tasks = workParts
        let count = timeline.count, chunk = (count + tasks - 1) / tasks
        let timeline = self.timeline, recordSegment = self.recordSegment, bases = segmentBase
        let segmentTags = self.segmentTags, segmentTagOffsets = self.segmentTagOffsets
        /// Calls `body` with each tag pair of the events at timeline positions `range`. Neighbours
        /// in the timeline are mostly neighbours in a segment, so each run of one segment is
        /// read through its buffers.
        func forEachPair(in range: Range<Int>, _ body: (UInt32, UInt32) -> Void) {
            var position = range.lowerBound
            while position < range.upperBound {
                let s = Int(recordSegment[Int(timeline[position])])
                segmentTags[s].withUnsafeBufferPointer { tags in
                    segmentTagOffsets[s].withUnsafeBufferPointer { offsets in
                        while position < range.upperBound {
                            let record = Int(timeline[position])
                            guard Int(recordSegment[record]) == s else { break }
                            let local = record - bases[s]
                            for k in Int(offsets[local])..<Int(offsets[local + 1]) { body(tags[k], UInt32(position)) }
                            position += 1
                        }
                    }
                }
            }
        }
        var counts = [[UInt32]](repeating: [], count: tasks)
        counts.withUnsafeMutableBufferPointer { counts in
            concurrently(tasks) { task in
                var mine = [UInt32](repeating: 0, count: pairCount)
                forEachPair(in: task * chunk..<min(count, (task + 1) * chunk)) { pair, _ in mine[Int(pair)] += 1 }
                counts[task] = mine
            }
        }
        // Each task's cursor per pair: the pair's start plus what earlier tasks put there.
        var offsets = [UInt32](repeating: 0, count: pairCount + 1)
        var cursors = counts
        for pair in 0..<pairCount {
            var next = offsets[pair]
            for task in 0..<tasks {
                cursors[task][pair] = next
                next += counts[task][pair]
            }
            offsets[pair + 1] = next
        }
        postingOffsets = offsets
        postings = [UInt32](repeating: 0, count: Int(offsets[pairCount]))
        defer { (self.segmentTags, self.segmentTagOffsets) = ([], []) }  // only needed up to here
        postings.withUnsafeMutableBufferPointer { postings in
            cursors.withUnsafeMutableBufferPointer { cursors in
                concurrently(tasks) { task in
                    var cursor = cursors[task]
                    cursor.withUnsafeMutableBufferPointer { cursor in
                        forEachPair(in: task * chunk..<min(count, (task + 1) * chunk)) { pair, position in
                            postings[Int(cursor[Int(pair)])] = position
                            cursor[Int(pair)] += 1
                        }
                    }
                }
            }
        }
    }

    /// Per slot, its live children oldest first (ties by id).
    mutating func buildChildren() {
        let slotCount = slotRecord.count
        var offsets = [UInt32](repeating: 0, count: slotCount + 1)
        var filled: [UInt32] = []
        timeline.withUnsafeBufferPointer { timeline in
            parentSlot.withUnsafeBufferPointer { parentSlot in
                offsets.withUnsafeMutableBufferPointer { offsets in
                    for record in timeline where parentSlot[Int(record)] != EventStore.noSlot {
                        offsets[Int(parentSlot[Int(record)]) + 1] += 1
                    }
                    for k in 1..<offsets.count { offsets[k] += offsets[k - 1] }
                }
                var cursor = offsets
                filled = [UInt32](repeating: 0, count: Int(offsets[slotCount]))
                filled.withUnsafeMutableBufferPointer { children in
                    cursor.withUnsafeMutableBufferPointer { cursor in
                        for record in timeline.reversed() where parentSlot[Int(record)] != EventStore.noSlot {
                            let slot = Int(parentSlot[Int(record)])
                            children[Int(cursor[slot])] = record
                            cursor[slot] += 1
                        }
                    }
                    // The reversed timeline is oldest first but breaks ties by id descending; fix those runs.
                    starts.withUnsafeBufferPointer { starts in
                        for slot in 0..<slotCount {
                            let lower = Int(offsets[slot]), upper = Int(offsets[slot + 1])
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
            }
        }
        childOffsets = offsets
        children = filled
    }
}

/// Record numbers grouped by part, each part's in ascending order (a counting sort).
struct PartitionedRecords {
    let order: [UInt32]
    let bounds: [Int]

    func records(in part: Int) -> ArraySlice<UInt32> { order[bounds[part]..<bounds[part + 1]] }
}

/// Groups the records `0..<count` by `part(of:)` (-1: left out), on all cores.
func partition(_ count: Int, parts: Int, _ part: (Int) -> Int) -> PartitionedRecords {
    let tasks = count < 65_536 ? 1 : workParts, chunk = (count + tasks - 1) / tasks
    var counts = [[Int]](repeating: [], count: tasks)
    counts.withUnsafeMutableBufferPointer { counts in
        concurrently(tasks) { task in
            var mine = [Int](repeating: 0, count: parts)
            for record in task * chunk..<min(count, (task + 1) * chunk) {
                let p = part(record)
                if p >= 0 { mine[p] += 1 }
            }
            counts[task] = mine
        }
    }
    // Part by part, task by task: where each task writes its records of each part.
    var bounds = [0], cursors = counts
    for p in 0..<parts {
        var next = bounds[p]
        for task in 0..<tasks {
            cursors[task][p] = next
            next += counts[task][p]
        }
        bounds.append(next)
    }
    var order = [UInt32](repeating: 0, count: bounds[parts])
    order.withUnsafeMutableBufferPointer { order in
        concurrently(tasks) { task in
            var cursor = cursors[task]
            for record in task * chunk..<min(count, (task + 1) * chunk) {
                let p = part(record)
                if p >= 0 {
                    order[cursor[p]] = UInt32(record)
                    cursor[p] += 1
                }
            }
        }
    }
    return PartitionedRecords(order: order, bounds: bounds)
}

/// A live record and its start, as the timeline sort moves them.
struct TimelineEntry {
    var start: Int64
    var record: UInt32
}

/// Sorts `items` by `precedes` (a strict total order): stretches sorted on every core, then
/// merged pairwise.
func sortInParallel<T>(_ items: inout [T], by precedes: (T, T) -> Bool) {
    let count = items.count, tasks = count < 4096 ? 1 : workParts
    let chunk = (count + tasks - 1) / tasks
    guard tasks > 1 else { return items.sort(by: precedes) }
    items.withUnsafeMutableBufferPointer { items in
        concurrently(tasks) { task in
            let range = min(count, task * chunk)..<min(count, (task + 1) * chunk)
            var stretch = UnsafeMutableBufferPointer(rebasing: items[range])
            stretch.sort(by: precedes)
        }
    }
    var width = chunk
    var source = items
    while width < count {
        var merged: [T] = []
        merged.reserveCapacity(count)
        var lower = 0
        while lower < count {
            let middle = min(count, lower + width), upper = min(count, lower + 2 * width)
            var a = lower, b = middle
            while a < middle && b < upper {
                if precedes(source[b], source[a]) {
                    merged.append(source[b]); b += 1
                } else {
                    merged.append(source[a]); a += 1
                }
            }
            merged.append(contentsOf: source[a..<middle])
            merged.append(contentsOf: source[b..<upper])
            lower = upper
        }
        source = merged
        width *= 2
    }
    items = source
}
