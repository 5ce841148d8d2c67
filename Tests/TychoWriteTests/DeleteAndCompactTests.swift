import Foundation
import TychoModel
import XCTest

/// `tycho delete` and `tycho compact`.
final class DeleteAndCompactTests: XCTestCase {
    /// root ← (a ← grandchild), b; plus an unrelated event in a plain data file.
    func family() throws -> WriteFixture {
        let store = try WriteFixture()
        try store.writeDataFile("events-2024-05-01.jsonl", [eventJSON(id: "imported", start: at(8, 0), tags: [("service", ["web"])])])
        let run = store.put([eventJSON(id: "root", start: at(9, 0), tags: [("service", ["web"])]),
                             eventJSON(id: "a", parent: "root", start: at(9, 10), tags: [("service", ["web"])]),
                             eventJSON(id: "b", parent: "root", start: at(9, 20), tags: [("service", ["web"])]),
                             eventJSON(id: "grandchild", parent: "a", start: at(9, 30), tags: [("service", ["api"])])].joined(separator: "\n"))
        XCTAssertEqual(run.status, 0, run.err)
        return store
    }

    /// Everything the query commands print about a store, to compare before and after.
    func everyQuery(_ store: WriteFixture, ids: [String]) -> [String] {
        var outputs = [store.tycho("query", ["--count", "1000"]).out, store.tycho("query", ["--tag", "service:web"]).out, "check \(store.tycho("check").status)"]
        for id in ids {
            for command in ["get", "children", "tree", "trace", "impact"] {
                let run = store.tycho(command, [id])
                outputs.append("\(command) \(id) \(run.status) \(run.out)")
            }
        }
        return outputs
    }

    func testADeletedEventDisappearsFromEveryQuery() throws {
        let store = try family()
        let run = store.tycho("delete", ["b"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.out, "deleted 'b'\n")
        XCTAssertNil(store.get("b"))
        XCTAssertTrue(store.tycho("get", ["b"]).err.contains("no event with id 'b'"))
        XCTAssertEqual(store.queryIDs(), ["grandchild", "b", "a", "root", "imported"].filter { $0 != "b" })
        XCTAssertEqual(store.queryIDs(["--tag", "service:web"]), ["a", "root", "imported"])
        let children = store.tycho("children", ["root"])
        XCTAssertEqual(children.status, 0)
        XCTAssertTrue(children.out.contains("\"id\": \"a\"") && !children.out.contains("\"id\": \"b\""), children.out)
        for command in ["tree", "impact"] {
            let tree = store.tycho(command, ["root"])
            XCTAssertEqual(tree.status, 0, tree.err)
            XCTAssertTrue(tree.out.contains("\"id\": \"grandchild\""), tree.out)
            XCTAssertFalse(tree.out.contains("\"id\": \"b\""), "\(command): \(tree.out)")
        }
        for command in ["get", "tree", "trace", "impact"] {
            XCTAssertEqual(store.tycho(command, ["b"]).status, 1, command)
        }
        // The browser's store: the event is gone from the timeline and the id index.
        let loaded = try store.load()
        XCTAssertNil(loaded.record(id: "b"))
        XCTAssertEqual(loaded.count, 4)
        XCTAssertFalse((0..<loaded.count).map { loaded.id(loaded.record(atRank: $0)) }.contains("b"))

        // Deleting a parent: it goes from its child's trace and its parent's tree.
        XCTAssertEqual(store.tycho("delete", ["a"]).status, 0)
        XCTAssertFalse(store.tycho("tree", ["root"]).out.contains("\"id\": \"a\""))
        XCTAssertFalse(store.tycho("trace", ["grandchild"]).out.contains("\"id\": \"a\""))
        XCTAssertFalse(store.tycho("children", ["root"]).out.contains("\"id\": \"a\""))

        // An event from a plain data file can be deleted too.
        XCTAssertEqual(store.tycho("delete", ["imported"]).status, 0)
        XCTAssertEqual(store.queryIDs(), ["grandchild", "root"])
    }

    func testDeletingAnUnknownIDIsRefused() throws {
        let store = try family()
        let before = store.logBytes()
        let run = store.tycho("delete", ["nope"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.out, "")
        XCTAssertTrue(run.err.contains("no event with id 'nope'"), run.err)
        XCTAssertEqual(store.logBytes(), before)
        // Several ids: the known ones go, the unknown is reported; twice in one command counts once.
        let mixed = store.tycho("delete", ["a", "nope", "a"])
        XCTAssertEqual(mixed.status, 1)
        XCTAssertEqual(mixed.out, "deleted 'a'\n")
        XCTAssertEqual(mixed.err, """
            tycho delete: event 2 of 3: no event with id 'nope'
            tycho delete: event 3 of 3: no event with id 'a'
            tycho delete: 1 of 3 events deleted; only the refused ones above were not

            """)
        XCTAssertEqual(store.logLines().count, 5)
        // An id already deleted is unknown now.
        let again = store.tycho("delete", ["a"])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(store.logLines().count, 5)
        // No id at all is a usage error.
        XCTAssertEqual(store.tycho("delete").status, 2)
    }

    func testADeletedIDCanBeCreatedAgain() throws {
        let store = try family()
        XCTAssertEqual(store.tycho("delete", ["b"]).status, 0)
        // Unknown to post without --insert.
        XCTAssertEqual(store.post(eventJSON(id: "b", description: "back?")).status, 1)
        let run = store.put(eventJSON(id: "b", start: at(11, 0), description: "born again"))
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(store.get("b")?["description"] as? String, "born again")
        XCTAssertEqual(store.get("b")?["parent_id"] as? String, "")
        XCTAssertFalse(store.tycho("children", ["root"]).out.contains("\"id\": \"b\""))
        XCTAssertEqual(store.queryIDs().filter { $0 == "b" }.count, 1)
        // And it is an existing id again.
        XCTAssertTrue(store.put(eventJSON(id: "b", start: at(11, 0))).err.contains("id 'b' already exists"))
    }

    /// A plain data file whose name sorts after the log (`zz-...`, or a subdirectory such as
    /// `upstream/`): a post or delete reports success, so it must also take effect.
    func testChangesApplyToEventsInFilesSortingAfterTheLog() throws {
        let store = try WriteFixture()
        try store.writeDataFile("zz-late.jsonl", [eventJSON(id: "late", start: at(8, 0), description: "original", tags: [("k", ["v"])])])
        try store.writeDataFile("upstream/events.jsonl", [eventJSON(id: "nested", start: at(8, 0))])
        XCTAssertEqual(store.post(eventJSON(id: "late", description: "changed"), ["--operation", "update"]).status, 0)
        XCTAssertEqual(store.get("late")?["description"] as? String, "changed", "an update of an event in zz-late.jsonl did not take effect")
        XCTAssertEqual(store.tycho("delete", ["late", "nested"]).status, 0)
        XCTAssertNil(store.get("late"), "a deleted event in zz-late.jsonl is still there")
        XCTAssertNil(store.get("nested"), "a deleted event in upstream/events.jsonl is still there")
        XCTAssertEqual(store.queryIDs(), [])
    }

    // MARK: - Compact

    /// A store with replaced and deleted lines in the log and in a plain file.
    func historyStore() throws -> WriteFixture {
        let store = try family()
        XCTAssertEqual(store.post(eventJSON(id: "root", description: "one")).status, 0)
        XCTAssertEqual(store.post(eventJSON(id: "root", description: "two", tags: [("env", ["prod"])])).status, 0)
        XCTAssertEqual(store.post(eventJSON(id: "imported", description: "changed in the log")).status, 0)
        XCTAssertEqual(store.put(eventJSON(id: "short-lived", start: at(9, 40))).status, 0)
        XCTAssertEqual(store.tycho("delete", ["short-lived", "b"]).status, 0)
        XCTAssertEqual(store.put(eventJSON(id: "b", start: at(9, 50), description: "second b")).status, 0)
        return store
    }

    func testCompactKeepsExactlyTheLiveEventsAndQueriesTheSame() throws {
        let store = try historyStore()
        let ids = ["root", "a", "b", "grandchild", "imported", "short-lived"]
        let before = everyQuery(store, ids: ids)
        let linesBefore = store.logLines().count
        XCTAssertEqual(linesBefore, 11)

        let run = store.tycho("compact")
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.out, "compacted: 5 events from 12 lines; 1 files rewritten, 1 removed\n")
        let after = everyQuery(store, ids: ids)
        XCTAssertEqual(after.count, before.count)
        for (old, new) in zip(before, after) where old != new {
            XCTFail("the store reads differently after compaction:\n\(old)\n\(new)")
        }

        // Exactly the live events, once each, as they read now; no deletions, no old versions.
        let loaded = try store.load()
        var lines: [String] = []
        for (_, bytes) in store.snapshot() {
            lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(lines.count, 5, lines.joined(separator: "\n"))
        let expected = (0..<loaded.count).map { EventJSON.encode(loaded.event(loaded.record(atRank: $0))) }
        XCTAssertEqual(Set(lines), Set(expected))
        XCTAssertFalse(lines.contains { $0.contains("\"delete\"") || $0.contains("short-lived") })
        // The imported event's old version left its file (which went, since nothing else was in it).
        XCTAssertNil(store.snapshot()["events-2024-05-01.jsonl"])
        XCTAssertEqual(store.get("imported")?["description"] as? String, "changed in the log")
        // No temporary left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory).filter { $0.hasSuffix(".compacting") }
        XCTAssertEqual(leftovers, [])

        // Compacting again changes nothing.
        let bytes = store.snapshot()
        let second = store.tycho("compact")
        XCTAssertEqual(second.status, 0, second.err)
        XCTAssertEqual(store.snapshot(), bytes)
    }

    func testWritesAfterCompactWork() throws {
        let store = try historyStore()
        XCTAssertEqual(store.tycho("compact").status, 0)
        XCTAssertTrue(store.put(eventJSON(id: "root", start: at(9, 0))).err.contains("already exists"))
        XCTAssertEqual(store.put(eventJSON(id: "after", parent: "root", start: at(12, 0))).status, 0)
        XCTAssertEqual(store.post(eventJSON(id: "root", description: "three")).objects.first?["description"] as? String, "one\ntwo\nthree")
        XCTAssertEqual(store.tycho("delete", ["a"]).status, 0)
        XCTAssertEqual(store.put(eventJSON(id: "short-lived", start: at(12, 0))).status, 0)
        XCTAssertEqual(Set(store.queryIDs()), ["root", "b", "grandchild", "imported", "after", "short-lived"])
        XCTAssertEqual(store.tycho("check").status, 0)
        XCTAssertEqual(store.tycho("compact").status, 0)
        XCTAssertEqual(Set(store.queryIDs()), ["root", "b", "grandchild", "imported", "after", "short-lived"])
        XCTAssertEqual(store.get("root")?["description"] as? String, "one\ntwo\nthree")
    }

    func testCompactIsRefusedWhileALineCannotBeRead() throws {
        let store = try historyStore()
        try store.writeDataFile("broken.jsonl", ["{\"id\": \"x\", \"start_time\": \"garbage\"}", "not json at all"])
        let before = store.snapshot()
        let run = store.tycho("compact")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.err.contains("2 lines cannot be read (see `tycho check`); fix or remove them before compacting"), run.err)
        XCTAssertEqual(store.snapshot(), before, "a refused compaction changed files")
        // Once the bad file is gone it goes ahead.
        try FileManager.default.removeItem(atPath: store.directory + "/broken.jsonl")
        XCTAssertEqual(store.tycho("compact").status, 0)
    }

    /// A torn last line (a writer killed mid-write) is not an event and not an error to a reader;
    /// the next writer cuts it off, and so does compaction.
    func testATornLastLineIsNotYetWrittenAndTheNextWriterRemovesIt() throws {
        let store = try family()
        let whole = store.logBytes()
        try store.append(toLog: "{\"id\": \"torn\", \"start_time\": \"2024-05-01T1")
        XCTAssertEqual(store.tycho("check").status, 0, store.tycho("check").out)
        XCTAssertNil(store.get("torn"))
        XCTAssertEqual(store.queryIDs().count, 5)
        // A refused write (nothing to append) leaves the log as it was, torn or not, but readable.
        XCTAssertEqual(store.put(eventJSON(id: "root", start: at(9, 0))).status, 1)
        XCTAssertEqual(store.tycho("check").status, 0)
        // The next write cuts the torn line off and appends whole lines only.
        let run = store.put(eventJSON(id: "after-tear", start: at(12, 0)))
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(store.logBytes(), whole + Array(run.out.utf8))
        XCTAssertEqual(store.tycho("check").status, 0)

        // A torn line with no newline before it at all (the log's only content).
        let fresh = try WriteFixture()
        try Data("{\"id\": \"half".utf8).write(to: URL(fileURLWithPath: fresh.logPath))
        XCTAssertEqual(fresh.tycho("check").status, 0)
        let first = fresh.put(eventJSON(id: "first", start: at(12, 0)))
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertEqual(fresh.logBytes(), Array(first.out.utf8))

        // Compaction with a torn tail.
        try store.append(toLog: "{\"id\": \"torn-again\"")
        XCTAssertEqual(store.tycho("compact").status, 0)
        XCTAssertEqual(store.tycho("check").status, 0)
        XCTAssertEqual(store.logBytes().last, UInt8(ascii: "\n"))
    }
}
