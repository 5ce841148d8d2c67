#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EventWriter {
    /// What compaction did.
    public struct Compaction: Equatable, Sendable {
        public let events: Int
        public let linesBefore: Int
        public let filesRewritten: Int
        public let filesRemoved: Int
    }

    /// `compact`: rewrites each data file to the live events it holds, in name order, each file
    /// atomically (write a hidden temporary, fsync, rename). Lines that were replaced or deleted
    /// by a later line go; a deletion goes once the event it deleted is gone from every file
    /// before it. So a crash between two files leaves a store that reads the same as before.
    /// Refused while any line cannot be read: compaction must not drop what it cannot parse.
    public func compact() throws(WriteError) -> Compaction {
        var summary = Compaction(events: 0, linesBefore: 0, filesRewritten: 0, filesRemoved: 0)
        _ = try withLock { store in
            guard store.problems.isEmpty else {
                throw WriteError(description: "\(store.problems.count == 1 ? "1 line cannot" : "\(store.problems.count) lines cannot") be read (see `tycho check`); fix or remove \(store.problems.count == 1 ? "it" : "them") before compacting")
            }
            var liveByFile = [[Int]](repeating: [], count: store.files.count)
            var linesByFile = [Int](repeating: 0, count: store.files.count)
            for record in 0..<store.recordSegment.count {
                let file = store.segments[Int(store.recordSegment[record])].fileIndex
                linesByFile[file] += 1
                if store.rank[record] != EventStore.notLive { liveByFile[file].append(record) }
            }
            var rewritten = 0, removed = 0
            for (index, file) in store.files.enumerated() where linesByFile[index] != liveByFile[index].count {
                if liveByFile[index].isEmpty {
                    guard unlink(file.path) == 0 else { throw WriteError(description: "cannot remove \(file.name): \(errorText())") }
                    removed += 1
                } else {
                    let text = liveByFile[index].map { EventJSON.encode(store.event($0)) + "\n" }.joined()
                    try replaceAtomically(file.path, with: Array(text.utf8))
                    rewritten += 1
                }
                try syncDirectory(of: file.path)
            }
            summary = Compaction(events: store.count, linesBefore: linesByFile.reduce(0, +), filesRewritten: rewritten, filesRemoved: removed)
            return []
        }
        return summary
    }

    private func replaceAtomically(_ path: String, with bytes: [UInt8]) throws(WriteError) {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let temporary = String(path[..<slash]) + "." + String(path[slash...]) + ".compacting"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(description: "cannot create \(temporary): \(errorText())") }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                close(descriptor)
                unlink(temporary)
                throw WriteError(description: "cannot write \(temporary): \(errorText())")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            close(descriptor)
            unlink(temporary)
            throw WriteError(description: "fsync failed: \(errorText())")
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw WriteError(description: "cannot replace \(path): \(errorText())") }
    }

    private func syncDirectory(of path: String) throws(WriteError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        fsync(descriptor)
    }
}
