#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A data file: its path, and its name relative to the data directory (as shown to people).
public struct DataFile: Equatable, Sendable {
    public let path: String
    public let name: String
    public let size: Int
    /// Which file this is on disk: a rename over it (compaction) makes a new one.
    public let device: UInt64
    public let inode: UInt64
    /// When its contents last changed (nanoseconds since 1970): a rewrite in place that leaves
    /// the size as it was changes only this.
    public let modified: Int64

    public init(path: String, name: String, size: Int, device: UInt64 = 0, inode: UInt64 = 0, modified: Int64 = 0) {
        self.path = path
        self.name = name
        self.size = size
        self.device = device
        self.inode = inode
        self.modified = modified
    }
}

/// Finds the `*.jsonl` files under a data directory, recursively, in name order (the write log last).
public enum DataDirectory {
    /// Why a data directory cannot be used at all.
    public struct Unusable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The data files below `directory`, plus problems with entries that could not be read.
    /// Symbolic links are followed, but a directory is entered once (so a link loop ends).
    public static func files(in directory: String) throws(Unusable) -> (files: [DataFile], problems: [LoadProblem]) {
        var status = stat()
        guard stat(directory, &status) == 0 else {
            throw Unusable(description: "cannot open data directory \(quoted(directory)): \(errorText())")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw Unusable(description: "\(quoted(directory)) is not a directory")
        }
        var files: [DataFile] = []
        var problems: [LoadProblem] = []
        var visited: Set<[UInt64]> = [[UInt64(status.st_dev), UInt64(status.st_ino)]]
        var pending: [String] = [""]  // relative directory names still to list
        while let relative = pending.popLast() {
            let path = relative.isEmpty ? directory : directory + "/" + relative
            guard let handle = opendir(path) else {
                problems.append(LoadProblem(file: relative.isEmpty ? "." : relative, line: 0, reason: "cannot read directory: \(errorText())"))
                continue
            }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." || name.hasPrefix(".") { continue }
                let childRelative = relative.isEmpty ? name : relative + "/" + name
                let childPath = directory + "/" + childRelative
                var child = stat()
                guard stat(childPath, &child) == 0 else {
                    if name.hasSuffix(".jsonl") {
                        problems.append(LoadProblem(file: childRelative, line: 0, reason: "cannot read: \(errorText())"))
                    }
                    continue
                }
                if child.st_mode & S_IFMT == S_IFDIR {
                    if visited.insert([UInt64(child.st_dev), UInt64(child.st_ino)]).inserted { pending.append(childRelative) }
                } else if child.st_mode & S_IFMT == S_IFREG && name.hasSuffix(".jsonl") {
                    if access(childPath, R_OK) != 0 {
                        problems.append(LoadProblem(file: childRelative, line: 0, reason: "cannot read: \(errorText())"))
                        continue
                    }
                    files.append(DataFile(path: childPath, name: childRelative, size: Int(child.st_size),
                                          device: UInt64(child.st_dev), inode: UInt64(child.st_ino),
                                          modified: modificationTime(child)))
                } else if name.hasSuffix(".jsonl") {
                    // Reading a FIFO blocks until a writer comes, a device may never end: say so, read nothing.
                    problems.append(LoadProblem(file: childRelative, line: 0, reason: "not a regular file (\(kindName(child.st_mode))); skipped"))
                }
            }
        }
        // The write log comes last whatever its name sorts as: a later record of an id wins, and
        // a post or delete must win over the event it changes in any other file.
        files.sort { a, b in
            let aIsLog = a.name == EventWriter.logName, bIsLog = b.name == EventWriter.logName
            return aIsLog != bIsLog ? bIsLog : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        return (files, problems)
    }

    /// A file's modification time in nanoseconds since 1970.
    static func modificationTime(_ status: stat) -> Int64 {
        #if canImport(Glibc)
        return Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        #else
        return Int64(status.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(status.st_mtimespec.tv_nsec)
        #endif
    }

    /// What kind of file a mode that is neither a regular file nor a directory describes.
    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "mode \(String(mode & S_IFMT, radix: 8))"
        }
    }
}
