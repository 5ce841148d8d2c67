import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Loads a data directory into an `EventStore`, on every core.
///
/// The newest file's last range is read first, so a browser can show the newest events while
/// the rest is still being read; the full store follows.
public enum EventLoader {
    /// Loads everything below `directory`. `firstBatch`, if given, receives a store of the
    /// newest range (on a loading thread) while the rest is read (only when there is more).
    public static func load(directory: String, firstBatch: (@Sendable (EventStore) -> Void)? = nil) throws(DataDirectory.Unusable) -> EventStore {
        _ = mapLargeAllocations
        let (files, listingProblems) = try DataDirectory.files(in: directory)
        var ranges: [SegmentReader.Range] = []
        for (index, file) in files.enumerated() {
            ranges += SegmentReader.ranges(fileIndex: index, path: file.path, size: file.size)
        }
        let results = ResultSlots(count: ranges.count)
        let buffers = ReadBuffers()
        // The newest range goes first, and the worker that read it hands it on while the other
        // cores go on with the rest (the browser shows it; nobody waits for it).
        var order = Array(ranges.indices)
        let showsFirst = firstBatch != nil && ranges.count > 1
        if showsFirst { order.insert(order.removeLast(), at: 0) }
        let (toRead, readOrder) = (ranges, order)
        DispatchQueue.concurrentPerform(iterations: order.count) { k in
            let result = SegmentReader.read(toRead[readOrder[k]], buffers: buffers)
            results.set(readOrder[k], result)
            if k == 0, showsFirst, let firstBatch, case .success(let segment) = result {
                firstBatch(EventStore(files: files, segments: [segment]))
            }
        }
        let store = assemble(files: files, ranges: ranges, results: results.values, listingProblems: listingProblems)
        returnFreeMemory()
        return store
    }

    /// Numbers each range's lines after the ranges before it in the same file, and builds the store.
    static func assemble(files: [DataFile], ranges: [SegmentReader.Range], results: [Result<Segment, LoadProblemError>?],
                         listingProblems: [LoadProblem]) -> EventStore {
        var segments: [Segment] = []
        var problems = listingProblems
        var nextLine: [Int: Int] = [:]
        for (range, result) in zip(ranges, results) {
            switch result {
            case .success(let segment):
                segment.firstLine = nextLine[range.fileIndex, default: 1]
                nextLine[range.fileIndex] = segment.firstLine + segment.lineCount
                segments.append(segment)
            case .failure(let error):
                problems.append(LoadProblem(file: files[range.fileIndex].name, line: 0, reason: error.reason))
            case nil:
                break
            }
        }
        return EventStore(files: files, segments: segments, fileProblems: problems)
    }
}

/// Makes glibc give every allocation of 1 MB or more its own mapping, returned to the system
/// when freed. By default glibc raises that threshold as big blocks are freed and then serves
/// them from recycled heap memory, where capacity reserved but never used is resident all the
/// same: at a million events, peak memory went from about 480 MB to 395 MB with this.
/// (`mallopt` is not in Swift's Glibc module, hence `dlsym`.)
let mapLargeAllocations: Void = {
    #if canImport(Glibc)
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in <malloc.h>
    if let symbol = dlsym(nil, "mallopt") {
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, 1 << 20)
    }
    #endif
}()

/// Results written by concurrent workers, each to its own index.
final class ResultSlots: @unchecked Sendable {
    private(set) var values: [Result<Segment, LoadProblemError>?]
    private let lock = DispatchQueue(label: "tycho.results")

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Segment, LoadProblemError>) { lock.sync { values[index] = value } }
}

/// Hands the memory freed while building (per-part tables, sort buffers, parse scratch) back to
/// the system: glibc keeps freed blocks under its mapping threshold in its heaps, resident, for
/// reuse that never comes (at a million events, 346 MB resident after loading became 329 MB).
/// (`malloc_trim` is not in Swift's Glibc module, hence `dlsym`.)
func returnFreeMemory() {
    #if canImport(Glibc)
    typealias MallocTrim = @convention(c) (Int) -> Int32
    if let symbol = dlsym(nil, "malloc_trim") {
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
    }
    #endif
}
