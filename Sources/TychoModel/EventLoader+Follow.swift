extension EventLoader {
    /// What changed on disk since a store was loaded.
    public struct Refresh: Sendable {
        public let store: EventStore
        /// Ids of the events read from new lines.
        public let newIDs: [String]
    }

    /// Reads only what was appended to the data files of `store` (and files added after them in
    /// name order) and returns a new store, or nil when nothing changed. A file that shrank, was
    /// replaced (compaction renames over it), removed, or a new file sorting between old ones
    /// means a full reload; `newIDs` is then empty.
    public static func refresh(_ store: EventStore, directory: String) throws(DataDirectory.Unusable) -> Refresh? {
        let (files, listingProblems) = try DataDirectory.files(in: directory)
        var readUpTo = [Int](repeating: 0, count: store.files.count)
        var nextLine = [Int](repeating: 1, count: store.files.count)
        for segment in store.segments {
            readUpTo[segment.fileIndex] = max(readUpTo[segment.fileIndex], segment.endOffset)
            nextLine[segment.fileIndex] = max(nextLine[segment.fileIndex], segment.firstLine + segment.lineCount)
        }
        let old = store.files
        let isSameFile = { (a: DataFile, b: DataFile) in a.name == b.name && a.device == b.device && a.inode == b.inode }
        let keepsOldFiles = files.count >= old.count && zip(old, files).allSatisfy { isSameFile($0, $1) }
            && zip(old.indices, files).allSatisfy { readUpTo[$0] <= $1.size }
        guard keepsOldFiles else {
            return Refresh(store: try load(directory: directory), newIDs: [])
        }
        var ranges: [(SegmentReader.Range, firstLine: Int)] = []
        for (index, file) in files.enumerated() {
            let start = index < old.count ? readUpTo[index] : 0
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
}
