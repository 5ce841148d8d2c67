#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Splits data files into byte ranges and reads each range into a `Segment`.
enum SegmentReader {
    /// Ranges of about this size are read (and parsed) independently, so one big file still
    /// uses every core and no buffer grows past it (plus one line).
    static let rangeSize = 8 << 20

    /// A byte range of a file that starts at a line boundary.
    struct Range: Sendable {
        let fileIndex: Int
        let path: String
        let start: Int
        /// Where the range ends (a line boundary), or nil for "to the end of the file".
        let end: Int?
    }

    /// Cuts the file at `path`, from `start` on, into ranges ending at line boundaries.
    static func ranges(fileIndex: Int, path: String, from start: Int = 0, size: Int) -> [Range] {
        guard size - start > rangeSize else { return [Range(fileIndex: fileIndex, path: path, start: start, end: nil)] }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [Range(fileIndex: fileIndex, path: path, start: start, end: nil)] }
        defer { close(descriptor) }
        var result: [Range] = []
        var rangeStart = start
        var probe = [UInt8](repeating: 0, count: 64 << 10)
        while size - rangeStart > rangeSize {
            var position = rangeStart + rangeSize
            var boundary: Int?
            search: while position < size {
                let got = probe.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(position)) }
                if got <= 0 { break }
                for k in 0..<got where probe[k] == Byte.newline {
                    boundary = position + k + 1
                    break search
                }
                position += got
            }
            guard let end = boundary, end < size else { break }
            result.append(Range(fileIndex: fileIndex, path: path, start: rangeStart, end: end))
            rangeStart = end
        }
        result.append(Range(fileIndex: fileIndex, path: path, start: rangeStart, end: nil))
        return result
    }

    /// Reads and parses one range, into a buffer from `buffers` if given.
    static func read(_ range: Range, buffers: ReadBuffers? = nil) -> Result<Segment, LoadProblemError> {
        let descriptor = open(range.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(LoadProblemError(reason: "cannot open: \(errorText())")) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(LoadProblemError(reason: "cannot stat: \(errorText())")) }
        let end = range.end ?? Int(status.st_size)
        // The last range of a file is read with the bytes just before it (in the same read), so
        // its mark can fingerprint what precedes the end of reading even when the range is short.
        let isLast = range.end == nil
        let leadIn = isLast ? min(range.start, FileMark.span) : 0
        let length = max(0, end - range.start) + leadIn
        guard length < Int(UInt32.max) else { return .failure(LoadProblemError(reason: "range too large")) }
        let pool = buffers ?? ReadBuffers()
        let buffer = pool.take(length)
        defer { pool.give(buffer) }
        var filled = 0
        while filled < length {
            let got = pread(descriptor, buffer.baseAddress! + filled, length - filled, off_t(range.start - leadIn + filled))
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(LoadProblemError(reason: "cannot read: \(errorText())"))
            }
            if got == 0 { break }
            filled += got
        }
        let content = UnsafeRawBufferPointer(rebasing: buffer[min(leadIn, filled)..<filled])
        let segment = parse(content, range: range)
        if isLast {
            // Up to `FileMark.span` bytes before where reading stopped (none if the file shrank
            // under the read: the next poll finds it shorter and reads it all again anyway).
            let stop = leadIn + (segment.endOffset - range.start)
            let from = filled >= leadIn ? max(0, stop - FileMark.span) : stop
            segment.mark = FileMark(size: range.start - leadIn + filled, modified: DataDirectory.modificationTime(status),
                                    start: segment.endOffset - (stop - from), end: segment.endOffset,
                                    hash: FileMark.hash(UnsafeRawBufferPointer(rebasing: buffer[min(from, filled)..<min(stop, filled)])))
        }
        return .success(segment)
    }

    /// Parses the lines of `bytes`, the contents of `range`.
    static func parse(_ bytes: UnsafeRawBufferPointer, range: Range) -> Segment {
        // Generous: capacity never touched costs no memory (large buffers are fresh mappings, see
        // `EventLoader`), while growing an array copies it.
        var columns = SegmentColumns(expectedRecords: bytes.count / 256 + 16, expectedBytes: bytes.count / 2 + 64)
        var parser = EventLineParser()
        var problems: [(line: Int, reason: String)] = []
        var position = 0
        var lineNumber = 0
        var hasPendingLine = false
        var consumed = 0
        // A UTF-8 byte order mark at the very start of a file is not part of the first line.
        if range.start == 0 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        while position < bytes.count {
            lineNumber += 1
            let rest = bytes.count - position
            let newline = memchr(base + position, Int32(Byte.newline), rest)
            let lineEnd = newline.map { base.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
            var contentEnd = lineEnd
            if contentEnd > position && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[position..<contentEnd])
            let isLast = newline == nil
            if !isBlank(line) {
                do {
                    try parser.parse(line, lineNumber: lineNumber, into: &columns)
                } catch {
                    if isLast {
                        // No newline yet: a writer may still be adding to this line.
                        hasPendingLine = true
                        lineNumber -= 1
                        break
                    }
                    problems.append((lineNumber, error.reason))
                }
            }
            position = isLast ? bytes.count : lineEnd + 1
            consumed = position
        }
        return Segment(fileIndex: range.fileIndex, startOffset: range.start, endOffset: range.start + consumed,
                       firstLine: 1, lineCount: lineNumber, columns: columns, problems: problems,
                       hasPendingLine: hasPendingLine)
    }

    private static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        return true
    }
}

/// Read buffers handed from range to range, so a load touches one buffer per core instead of
/// fresh pages for every range.
final class ReadBuffers: @unchecked Sendable {
    private var free: [UnsafeMutableRawBufferPointer] = []
    private let lock = DispatchQueue(label: "tycho.read-buffers")

    /// A buffer of at least `size` bytes.
    func take(_ size: Int) -> UnsafeMutableRawBufferPointer {
        if let buffer = lock.sync(execute: { free.popLast() }) {
            if buffer.count >= size { return buffer }
            buffer.deallocate()
        }
        // A little over a range, so ranges that end a line later still fit.
        return .allocate(byteCount: max(size, SegmentReader.rangeSize + (256 << 10)), alignment: 16)
    }

    func give(_ buffer: UnsafeMutableRawBufferPointer) { lock.sync { free.append(buffer) } }

    deinit { free.forEach { $0.deallocate() } }
}

/// A whole file (or range) that could not be read.
struct LoadProblemError: Error {
    let reason: String
}

func errorText() -> String { String(cString: strerror(errno)) }
