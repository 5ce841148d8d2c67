import Foundation
import Testing
import TychoModel

/// Reading files line by line: which files, in which order, bad lines reported as
/// `file:line: reason` while the rest loads, and the byte-level forms of a line.
@Suite struct LineReadingTests {
    @Test func malformedLinesAreSkippedAndReportedWithFileAndLine() throws {
        let store = try DataFixture.load(["day.jsonl": jsonl(
            eventLine("a"),
            #"{"id": "truncated", "start_time": "2020-01-01T00:0"#,
            eventLine("b"),
            eventLine("bad-time", start: "2020-02-30T00:00:00Z"),
            #"{"id": "bad-tags", "start_time": "2020-01-01T00:00:00Z", "tags": "source:chef"}"#,
            "not json at all",
            eventLine("c"))])
        #expect(store.allIDs.sorted() == ["a", "b", "c"])
        #expect(store.problems.map { "\($0.file):\($0.line)" } == ["day.jsonl:2", "day.jsonl:4", "day.jsonl:5", "day.jsonl:6"])
        for problem in store.problems {
            #expect(problem.description == "day.jsonl:\(problem.line): \(problem.reason)")
            #expect(!problem.reason.isEmpty)
        }
    }

    @Test func firstBatchIsTheNewestFileAndTheFullStoreFollows() throws {
        // The browser shows the first batch while the other ranges are still being read.
        let files = ["2026-01-01.jsonl": jsonl(eventLine("old-1"), eventLine("old-2")),
                     "2026-01-02.jsonl": jsonl(eventLine("mid-1")),
                     "2026-01-03.jsonl": jsonl(eventLine("new-1"), eventLine("new-2"), eventLine("old-1"))]
        let batches = BatchLog()
        let store = try DataFixture.withDirectory(files.mapValues { Array($0.utf8) }) { directory in
            try EventLoader.load(directory: directory) { batches.append($0.allIDs.sorted()) }
        }
        #expect(batches.all == [["new-1", "new-2", "old-1"]])
        #expect(store.allIDs.sorted() == ["mid-1", "new-1", "new-2", "old-1", "old-2"])
        // One file: nothing more to wait for, so no first batch.
        let single = BatchLog()
        _ = try DataFixture.withDirectory(["only.jsonl": Array(jsonl(eventLine("a")).utf8)]) { directory in
            try EventLoader.load(directory: directory) { single.append($0.allIDs) }
        }
        #expect(single.all.isEmpty)
    }

    @Test func singleStringTagIsAOneValueList() throws {
        // Tycho's producers sometimes write a lone string; it is read as a list of one.
        let store = try DataFixture.load(["a.jsonl": jsonl(
            #"{"id": "s", "start_time": "2020-01-01T00:00:00Z", "tags": {"source": "chef"}}"#)])
        #expect(store.tags(try store.required("s")) == [Tag("source", ["chef"])])
    }

    @Test func problemsAreInFileThenLineOrderAndNameSubfolders() throws {
        let store = try DataFixture.load([
            "b.jsonl": jsonl("{", eventLine("b1")),
            "a/z.jsonl": jsonl(eventLine("z1"), "[]"),
            "a.jsonl": jsonl(eventLine("a1"), eventLine("a2"), "nope"),
        ])
        #expect(store.problems.map { "\($0.file):\($0.line)" } == ["a.jsonl:3", "a/z.jsonl:2", "b.jsonl:1"])
        #expect(store.count == 4)
    }

    @Test func everyJSONLFileBelowTheDirectoryIsReadAndNothingElse() throws {
        let store = try DataFixture.load([
            "top.jsonl": jsonl(eventLine("top")),
            "deep/er/still.jsonl": jsonl(eventLine("deep")),
            "notes.txt": jsonl(eventLine("txt")),
            "events.json": jsonl(eventLine("json")),
            "events.jsonl.bak": jsonl(eventLine("bak")),
        ])
        #expect(store.allIDs.sorted() == ["deep", "top"])
        #expect(store.files.map(\.name) == ["deep/er/still.jsonl", "top.jsonl"])
    }

    @Test func blankLinesAreFineAndStillCountForLineNumbers() throws {
        let store = try DataFixture.load(["a.jsonl": "\n" + eventLine("a") + "\n\n   \n\t\n" + "{broken\n" + eventLine("b") + "\n\n"])
        #expect(store.allIDs.sorted() == ["a", "b"])
        #expect(store.problems.map(\.line) == [6])
    }

    @Test func crlfLineEndingsAreStripped() throws {
        let text = eventLine("a", description: "first") + "\r\n" + "{oops}\r\n" + eventLine("b") + "\r\n"
        let store = try DataFixture.load(["a.jsonl": text])
        #expect(store.allIDs.sorted() == ["a", "b"])
        #expect(store.description(try store.required("a")) == "first")
        #expect(store.problems.map(\.line) == [2])
    }

    @Test func byteOrderMarkAtTheStartIsIgnored() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(jsonl(eventLine("first"), eventLine("second")).utf8)
        let store = try DataFixture.loadBytes(["a.jsonl": bytes])
        #expect(store.problems.map(\.description) == [])
        #expect(store.allIDs.sorted() == ["first", "second"])
    }

    @Test func incompleteFinalLineWithoutNewlineIsNotReported() throws {
        // A writer may still be appending to it.
        let text = jsonl(eventLine("a"), eventLine("b")) + #"{"id": "c", "start_ti"#
        let store = try DataFixture.load(["a.jsonl": text])
        #expect(store.allIDs.sorted() == ["a", "b"])
        #expect(store.problems.isEmpty)
    }

    @Test func completeFinalLineWithoutNewlineIsLoaded() throws {
        let text = jsonl(eventLine("a")) + eventLine("last")
        let store = try DataFixture.load(["a.jsonl": text, "b.jsonl": eventLine("only")])
        #expect(store.allIDs.sorted() == ["a", "last", "only"])
        #expect(store.problems.isEmpty)
    }

    @Test func incompleteLineFollowedByNewlineIsReported() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(#"{"id": "c", "start_ti"#, eventLine("a"))])
        #expect(store.allIDs == ["a"])
        #expect(store.problems.map(\.line) == [1])
    }

    @Test func emptyFileAndEmptyDirectoryLoadNothing() throws {
        let store = try DataFixture.load(["empty.jsonl": "", "blank.jsonl": "\n\n"])
        #expect(store.count == 0)
        #expect(store.problems.isEmpty)
        #expect(store.files.count == 2)
    }

    @Test func missingDirectoryIsUnusable() {
        #expect(throws: DataDirectory.Unusable.self) {
            try EventLoader.load(directory: "/nonexistent/tycho-model-tests")
        }
    }

    @Test func locationPointsAtTheLine() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(eventLine("x"), "", eventLine("y")), "b/c.jsonl": jsonl(eventLine("z"))])
        #expect(store.location(try store.required("y")) == ("a.jsonl", 3))
        #expect(store.location(try store.required("z")) == ("b/c.jsonl", 1))
    }
}

/// First batches handed over by the loader's threads.
final class BatchLog: @unchecked Sendable {
    private let lock = NSLock()
    private var batches: [[String]] = []

    func append(_ ids: [String]) { lock.withLock { batches.append(ids) } }
    var all: [[String]] { lock.withLock { batches } }
}
