import Foundation
import Testing
import TychoModel

/// Broken parent links: cycles of every length, missing parents, and parents that appear
/// later in the data. Queries must end, list each event once, and never recurse without bound.
@Suite(.timeLimit(.minutes(3)))  // a hang guard: a cycle followed forever fails instead of stalling the run
struct ParentCycleTests {
    /// Checks `rows` list exactly `expected` once each (back references aside) and that the
    /// JSON form parses and names each event once.
    func expectEachOnce(_ rows: [TreeRow], _ expected: Set<String>, in store: EventStore,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let shown = store.ids(rows.filter { !$0.isBackReference }.map(\.record))
        #expect(shown.count == expected.count, "\(shown)", sourceLocation: sourceLocation)
        #expect(Set(shown) == expected, sourceLocation: sourceLocation)
        for row in rows where row.isBackReference {
            #expect(!row.isExpanded, "a back reference is not descended into", sourceLocation: sourceLocation)
        }
        let json = EventJSON.encodeTree(rows, store: store)
        let listed = try nestedIDs(parseJSON(json, sourceLocation: sourceLocation))
            .split(whereSeparator: { "(),".contains($0) }).map(String.init)
        #expect(listed.sorted() == expected.sorted(), sourceLocation: sourceLocation)
    }

    @Test func selfParent() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(eventLine("me", parent: "me"), eventLine("kid", parent: "me"))])
        let me = try store.required("me")
        #expect(store.ids(store.trace(me)) == ["me"])
        #expect(store.id(store.root(of: me)) == "me")
        #expect(store.ids(store.trace(try store.required("kid"))) == ["kid", "me"])
        #expect(store.ids(store.childRecords(me)).sorted() == ["kid", "me"])
        try expectEachOnce(store.impact(me), ["me", "kid"], in: store)
        try expectEachOnce(store.tree(try store.required("kid")), ["me", "kid"], in: store)
    }

    @Test func twoCycle() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("a", parent: "b", start: "2020-01-01T00:00:01Z"),
            eventLine("b", parent: "a", start: "2020-01-01T00:00:02Z"),
            eventLine("tail", parent: "a", start: "2020-01-01T00:00:03Z"))])
        let a = try store.required("a"), b = try store.required("b")
        #expect(store.ids(store.trace(a)) == ["a", "b"])
        #expect(store.ids(store.trace(b)) == ["b", "a"])
        #expect(store.ids(store.trace(try store.required("tail"))) == ["tail", "a", "b"])
        try expectEachOnce(store.impact(a), ["a", "b", "tail"], in: store)
        try expectEachOnce(store.impact(b), ["a", "b", "tail"], in: store)
        try expectEachOnce(store.tree(try store.required("tail")), ["a", "b", "tail"], in: store)
    }

    @Test func longCycleWithBranches() throws {
        let n = 150  // deep enough to matter, shallow enough for JSONSerialization's nesting limit
        var lines = (0..<n).map { k in eventLine("n\(k)", parent: "n\((k + 1) % n)", start: Timestamp.format(Int64(k) * 1000)) }
        lines += (0..<20).map { k in eventLine("leaf\(k)", parent: "n\(k * 7)") }
        let store = try DataFixture.load(["a.jsonl": lines.map { $0 + "\n" }.joined()])
        let everything = Set((0..<n).map { "n\($0)" } + (0..<20).map { "leaf\($0)" })
        let start = try store.required("n0")
        let trace = store.ids(store.trace(start))
        #expect(trace.count == n)
        #expect(Set(trace).count == n)
        #expect(trace.prefix(3) == ["n0", "n1", "n2"])
        try expectEachOnce(store.impact(start), everything, in: store)
        try expectEachOnce(store.tree(try store.required("leaf3")), everything, in: store)
    }

    @Test func cycleInsideAFindStillReturnsEachEventOnce() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("a", parent: "b"), eventLine("b", parent: "a"))])
        #expect(try store.ids(store.find(tags: [TagTerm(key: "parent_id", value: "a")])) == ["b"])
        #expect(try store.find(tags: []).count == 2)
    }

    @Test func missingParentEndsTheTrace() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("orphan", parent: "never-written", start: "2020-01-01T00:00:01Z"),
            eventLine("sibling", parent: "never-written", start: "2020-01-01T00:00:02Z"),
            eventLine("grandchild", parent: "orphan"))])
        #expect(store.record(id: "never-written") == nil)
        let orphan = try store.required("orphan")
        #expect(store.parentID(orphan) == "never-written")
        #expect(store.parentRecord(orphan) == nil)
        #expect(store.ids(store.trace(try store.required("grandchild"))) == ["grandchild", "orphan"])
        #expect(store.ids(store.tree(try store.required("grandchild")).map(\.record)) == ["orphan", "grandchild"])
        #expect(store.ids(store.childRecords(ofID: "never-written")) == ["orphan", "sibling"])
    }

    @Test func parentAppearingLaterInTheData() throws {
        let store = try DataFixture.load([
            "1.jsonl": jsonl(eventLine("child", parent: "late-parent", start: "2020-01-01T00:00:05Z")),
            "2.jsonl": jsonl(eventLine("grandchild", parent: "child"), eventLine("late-parent", parent: "later-root")),
            "3.jsonl": jsonl(eventLine("later-root")),
        ])
        let grandchild = try store.required("grandchild")
        #expect(store.ids(store.trace(grandchild)) == ["grandchild", "child", "late-parent", "later-root"])
        #expect(store.ids(store.childRecords(ofID: "late-parent")) == ["child"])
        #expect(store.ids(store.tree(grandchild).map(\.record)) == ["later-root", "late-parent", "child", "grandchild"])
    }

    @Test func parentIDOfAnUpdatedEventFollowsTheNewestLine() throws {
        // An update that closes a cycle, and one that opens it again.
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("x"), eventLine("y", parent: "x"),
            eventLine("x", parent: "y"),
            eventLine("z"), eventLine("x", parent: "z"))])
        #expect(store.ids(store.trace(try store.required("y"))) == ["y", "x", "z"])
        #expect(store.ids(store.childRecords(ofID: "y")) == [])
    }
}
