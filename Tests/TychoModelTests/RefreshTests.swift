import Foundation
import Testing
import TychoModel

#if canImport(Glibc)
import Glibc
#endif

/// Following the files (`EventLoader.refresh`): what was appended is read from where reading
/// stopped; anything else that changed a file is read again from the start.
@Suite struct RefreshTests {
    /// A data directory that stays for the whole test (loaded, changed, refreshed), then goes.
    final class Folder {
        let path: String

        init(_ files: [String: String]) throws {
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("tycho-refresh-tests-\(UUID().uuidString)", isDirectory: true).path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for (name, text) in files { try write(name, text) }
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        /// Writes a new file (or replaces one the ordinary way).
        func write(_ name: String, _ text: String) throws {
            let url = URL(fileURLWithPath: path).appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        /// Rewrites `name` in place, as `cat > name` does: the same inode, truncated, written anew.
        func rewriteInPlace(_ name: String, _ text: String) throws {
            let before = try inode(name)
            let descriptor = open(path + "/" + name, O_WRONLY | O_TRUNC)
            try #require(descriptor >= 0)
            defer { close(descriptor) }
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
            #expect(try inode(name) == before, "the same file, not a new one")
        }

        /// Appends to `name` in place.
        func append(_ name: String, _ text: String) throws {
            let handle = try #require(FileHandle(forWritingAtPath: path + "/" + name))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        }

        func inode(_ name: String) throws -> UInt64 {
            var status = stat()
            try #require(stat(path + "/" + name, &status) == 0)
            return UInt64(status.st_ino)
        }

        func load() throws -> EventStore { try EventLoader.load(directory: path) }

        func refresh(_ store: EventStore) throws -> EventLoader.Refresh? { try EventLoader.refresh(store, directory: path) }
    }

    static func lines(_ prefix: String, _ range: Range<Int>) -> String {
        jsonl(range.map { eventLine("\(prefix)-\($0)", description: "\(prefix) \($0)") }.joined(separator: "\n"))
    }

    // MARK: - An append must be an append

    @Test func fileRewrittenInPlaceLargerIsReadAgain() throws {
        let folder = try Folder(["a.jsonl": Self.lines("old", 0..<3)])
        let store = try folder.load()
        // Longer lines, so the old end is in the middle of one.
        try folder.rewriteInPlace("a.jsonl", Self.lines("rewritten", 0..<5))
        let refresh = try #require(try folder.refresh(store))
        #expect(refresh.store.allIDs.sorted() == (0..<5).map { "rewritten-\($0)" })
        #expect(refresh.store.problems.isEmpty, "no bogus bad line from reading at the old offset: \(refresh.store.problems)")
    }

    @Test func fileTruncatedThenWrittenToTheSameSizeIsReadAgain() throws {
        let folder = try Folder(["a.jsonl": Self.lines("old", 0..<3)])
        let store = try folder.load()
        let path = folder.path + "/a.jsonl"
        try #require(truncate(path, 0) == 0)
        try folder.append("a.jsonl", Self.lines("ne1", 0..<3))
        let refresh = try #require(try folder.refresh(store))
        #expect(refresh.store.allIDs.sorted() == (0..<3).map { "ne1-\($0)" })
        #expect(refresh.store.problems.isEmpty)
    }

    @Test func sameSizeEditInPlaceIsReadAgain() throws {
        let folder = try Folder(["a.jsonl": Self.lines("new", 0..<2)])
        let store = try folder.load()
        try folder.rewriteInPlace("a.jsonl", Self.lines("new", 0..<2).replacingOccurrences(of: "new 0", with: "NEW 0"))
        let refresh = try #require(try folder.refresh(store))
        #expect(refresh.store.description(try refresh.store.required("new-0")) == "NEW 0")
    }

    @Test func editNearTheEndTogetherWithAnAppendIsReadAgain() throws {
        // The bytes just before where reading stopped changed, and the file grew as well.
        let folder = try Folder(["a.jsonl": Self.lines("ev", 0..<3)])
        let store = try folder.load()
        let changed = Self.lines("ev", 0..<3).replacingOccurrences(of: "ev 2", with: "EV 2") + Self.lines("ev", 3..<4)
        try folder.rewriteInPlace("a.jsonl", changed)
        let refresh = try #require(try folder.refresh(store))
        #expect(refresh.store.description(try refresh.store.required("ev-2")) == "EV 2")
        #expect(refresh.store.allIDs.sorted() == (0..<4).map { "ev-\($0)" })
    }

    @Test func editBeforeAnEarlierAppendIsSeenAtTheNextAppend() throws {
        // After a short append the fingerprint still covers the lines read before it.
        let folder = try Folder(["a.jsonl": Self.lines("ev", 0..<3)])
        let first = try folder.load()
        try folder.append("a.jsonl", Self.lines("ev", 3..<4))
        let appended = try #require(try folder.refresh(first))
        #expect(appended.newIDs == ["ev-3"])
        let changed = Self.lines("ev", 0..<4).replacingOccurrences(of: "ev 1", with: "EV 1") + Self.lines("ev", 4..<5)
        try folder.rewriteInPlace("a.jsonl", changed)
        let refresh = try #require(try folder.refresh(appended.store))
        #expect(refresh.store.description(try refresh.store.required("ev-1")) == "EV 1")
        #expect(refresh.store.allIDs.sorted() == (0..<5).map { "ev-\($0)" })
    }

    @Test func appendIsStillReadFromWhereReadingStopped() throws {
        let folder = try Folder(["a.jsonl": Self.lines("ev", 0..<3), "b.jsonl": Self.lines("other", 0..<2)])
        let store = try folder.load()
        #expect(try folder.refresh(store) == nil, "nothing changed")
        try folder.append("a.jsonl", Self.lines("ev", 3..<5))
        let refresh = try #require(try folder.refresh(store))
        #expect(refresh.newIDs == ["ev-3", "ev-4"])
        #expect(refresh.store.count == 7)
        let location = refresh.store.location(try refresh.store.required("ev-4"))
        #expect(location.file == "a.jsonl" && location.line == 5)
        #expect(try folder.refresh(refresh.store) == nil, "nothing changed since")
    }

    @Test func lineWrittenInPiecesIsReadWhenWhole() throws {
        let folder = try Folder(["a.jsonl": Self.lines("ev", 0..<2)])
        let store = try folder.load()
        let whole = eventLine("ev-2")
        try folder.append("a.jsonl", String(whole.prefix(10)))
        let torn = try folder.refresh(store)
        #expect(torn == nil, "a line still being written is not read yet, and is no error")
        try folder.append("a.jsonl", String(whole.dropFirst(10)) + "\n")
        let refresh = try #require(try folder.refresh(torn?.store ?? store))
        #expect(refresh.newIDs == ["ev-2"])
        #expect(refresh.store.problems.isEmpty)
    }

    // MARK: - What arrives through a full reload is new too

    @Test func eventsOfANewFileSortingBetweenOldOnesAreNew() throws {
        let folder = try Folder(["events-2026-12-03.jsonl": Self.lines("dec3", 0..<2),
                                 "events-2026-12-05.jsonl": Self.lines("dec5", 0..<2),
                                 "upstream/events.jsonl": Self.lines("up", 0..<1)])
        let store = try folder.load()
        try folder.write("events-2026-12-04.jsonl", Self.lines("dec4", 0..<3))
        let refresh = try #require(try folder.refresh(store))
        #expect(refresh.store.count == 8)
        #expect(refresh.newIDs.sorted() == ["dec4-0", "dec4-1", "dec4-2"])
    }

    @Test func onlyTheEventsARewrittenFileDidNotHaveAreNew() throws {
        let folder = try Folder(["a.jsonl": Self.lines("ev", 0..<3)])
        let store = try folder.load()
        try folder.rewriteInPlace("a.jsonl", Self.lines("ev", 1..<3) + Self.lines("added", 0..<2))
        let refresh = try #require(try folder.refresh(store))
        #expect(refresh.store.allIDs.sorted() == ["added-0", "added-1", "ev-1", "ev-2"])
        #expect(refresh.newIDs.sorted() == ["added-0", "added-1"])
    }

    @Test func eventsMovedByCompactionAreNotNew() throws {
        let folder = try Folder(["a.jsonl": jsonl(eventLine("x", description: "first"), eventLine("y"), eventLine("x", description: "second")),
                                 "b.jsonl": jsonl(eventLine("y", description: "moved to b"), eventLine("z"))])
        let store = try folder.load()
        let writer = EventWriter(directory: folder.path, now: { 0 }, newID: { "unused" })
        #expect(try writer.compact().filesRewritten == 1)
        let refresh = try #require(try folder.refresh(store), "compaction renamed a new file over a.jsonl")
        #expect(refresh.store.allIDs.sorted() == ["x", "y", "z"])
        #expect(refresh.newIDs.isEmpty)
    }

    @Test func anEventBackAfterADeletionIsNew() throws {
        let folder = try Folder(["a.jsonl": jsonl(eventLine("kept"), eventLine("gone"), #"{"delete": "gone", "time": "2026-01-02T00:00:00Z"}"#)])
        let store = try folder.load()
        #expect(store.record(id: "gone") == nil)
        try folder.rewriteInPlace("a.jsonl", jsonl(eventLine("kept"), eventLine("gone", description: "back")))
        let refresh = try #require(try folder.refresh(store))
        #expect(refresh.newIDs == ["gone"])
    }
}
