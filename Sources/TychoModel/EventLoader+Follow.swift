#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EventLoader {
    /// What changed on disk since a store was loaded.
    public struct Refresh: Sendable {
        public let store: EventStore
        /// Ids of the events that arrived: those read from appended lines, or, after a full
        /// reload, the live events that were not live before (an event compaction moved is not new).
        public let newIDs: [String]
    }

    /// Reads only what was appended to the data files of `store` (and files added after them in
    /// name order) and returns a new store, or nil when nothing changed. A file that was
    /// rewritten (in place or replaced by a rename, as compaction does), shrank, was removed,
    /// or a new file sorting between old ones means a full reload.
    public static func refresh(_ store: EventStore, directory: String) throws(DataDirectory.Unusable) -> Refresh? {
        let (files, listingProblems) = try DataDirectory.files(in: directory)
        var readUpTo = [Int](repeating: 0, count: store.files.count)
        var nextLine = [Int](repeating: 1, count: store.files.count)
        var marks = [FileMark?](repeating: nil, count: store.files.count)
        for segment in store.segments {
            readUpTo[segment.fileIndex] = max(readUpTo[segment.fileIndex], segment.endOffset)
            nextLine[segment.fileIndex] = max(nextLine[segment.fileIndex], segment.firstLine + segment.lineCount)
            if let mark = segment.mark, mark.end >= marks[segment.fileIndex]?.end ?? 0 { marks[segment.fileIndex] = mark }
        }
        let old = store.files
        let isSameFile = { (a: DataFile, b: DataFile) in a.name == b.name && a.device == b.device && a.inode == b.inode }
        guard files.count >= old.count && zip(old, files).allSatisfy({ isSameFile($0, $1) }) else {
            return try reload(directory: directory, after: store)
        }
        var ranges: [(SegmentReader.Range, firstLine: Int)] = []
        for (index, file) in files.enumerated() {
            let start = index < old.count ? readUpTo[index] : 0
            if index < old.count {
                switch FileMark.change(of: file, readUpTo: start, mark: marks[index]) {
                case .none: continue
                case .rewritten: return try reload(directory: directory, after: store)
                case .grown: break
                }
            }
            guard file.size > start else { continue }
            for range in SegmentReader.ranges(fileIndex: index, path: file.path, from: start, size: file.size) {
                ranges.append((range, index < old.count ? nextLine[index] : 1))
            }
        }
        guard !ranges.isEmpty || files.count != old.count else { return nil }
        var segments = store.segments
        var problems = listingProblems
        var newSegments: [Segment] = []
        var lineAfter: [Int: Int] = [:]
        for (range, firstLine) in ranges {
            switch SegmentReader.read(range) {
            case .success(let segment):
                segment.firstLine = lineAfter[range.fileIndex] ?? firstLine
                lineAfter[range.fileIndex] = segment.firstLine + segment.lineCount
                // A segment that read nothing (a line still being written) is dropped; the
                // file's mark stays the one before it, which still describes what was read.
                guard segment.count > 0 || !segment.localProblems.isEmpty || segment.endOffset > range.start else { continue }
                newSegments.append(segment)
            case .failure(let error):
                problems.append(LoadProblem(file: files[range.fileIndex].name, line: 0, reason: error.reason))
            }
        }
        guard !newSegments.isEmpty || files.count != old.count else { return nil }
        segments += newSegments
        // Precedence is file order, then position in the file.
        segments.sort { ($0.fileIndex, $0.startOffset) < ($1.fileIndex, $1.startOffset) }
        let refreshed = EventStore(files: files, segments: segments, fileProblems: problems)
        var newIDs: [String] = []
        for segment in newSegments {
            for local in 0..<segment.count where segment.columns.kinds[local] == .event {
                newIDs.append(segment.columns.arena.string(segment.columns.ids[local]))
            }
        }
        return Refresh(store: refreshed, newIDs: newIDs)
    }

    /// Reads everything again; what is live now and was not in `earlier` arrived.
    static func reload(directory: String, after earlier: EventStore) throws(DataDirectory.Unusable) -> Refresh {
        let store = try load(directory: directory)
        return Refresh(store: store, newIDs: store.liveIDs(notLiveIn: earlier))
    }
}

extension EventStore {
    /// Ids of the live events that `earlier` has no live event for, in file and line order:
    /// one id-index lookup per live event, segments on every core (on the polling thread; at
    /// 990,000 live events on two cores 0.17 s when all were known, 0.13–0.28 s when none
    /// were, beside 1.2 s for the reload itself).
    func liveIDs(notLiveIn earlier: EventStore) -> [String] {
        var found = [[String]](repeating: [], count: segments.count)
        found.withUnsafeMutableBufferPointer { found in
            concurrently(segments.count) { number in
                let segment = segments[number], base = segmentBase[number]
                var ids: [String] = []
                for local in 0..<segment.count where rank[base + local] != Self.notLive {
                    segment.columns.withID(local) { key in
                        if let slot = earlier.slot(of: key), earlier.slotRecord[Int(slot)] >= 0 { return }
                        ids.append(key.string)
                    }
                }
                found[number] = ids
            }
        }
        return found.flatMap { $0 }
    }
}

/// What a data file looked like when its last range was read: its size and modification time,
/// and a hash of the bytes just before where reading stopped. Following checks with it that a
/// file that grew was only appended to before reading on from the old end.
///
/// The check costs nothing for a file whose size and time are unchanged, and one read of at
/// most `span` bytes for one that changed. What it cannot see: an edit further back than
/// `span` bytes from the old end made together with an append (or with a change to a line still
/// being written) before the same poll; and, on a file system with coarse timestamps, a
/// rewrite to the same size within the same tick as the read.
struct FileMark: Sendable {
    /// How many bytes before the end of reading are fingerprinted.
    static let span = 4096

    /// The file's size and modification time when it was read.
    let size: Int
    let modified: Int64
    /// The fingerprinted bytes, `start..<end` (`end` is where reading stopped), and their hash.
    let start: Int
    let end: Int
    let hash: UInt64

    /// How a file changed since it was read up to `readUpTo`.
    enum Change {
        case none
        /// Bytes were appended (or a torn last line was completed): read on from `readUpTo`.
        case grown
        /// Something already read changed: read everything again.
        case rewritten
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        hashBytes(bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, bytes.count)
    }

    /// How `file` changed since `mark` was taken (without a mark, only growth is known).
    static func change(of file: DataFile, readUpTo: Int, mark: FileMark?) -> Change {
        guard file.size >= readUpTo else { return .rewritten }
        guard let mark else { return .grown }
        if file.size == mark.size && file.modified == mark.modified { return .none }
        // Written to, yet no longer than what was read: the same bytes rewritten (or touched).
        if file.size == mark.size && file.size == readUpTo { return .rewritten }
        return mark.matches(path: file.path) ? .grown : .rewritten
    }

    /// Whether the fingerprinted bytes are still what they were (one read).
    func matches(path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: end - start)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start)) }
        return got == bytes.count && bytes.withUnsafeBytes { Self.hash($0) } == hash
    }
}
