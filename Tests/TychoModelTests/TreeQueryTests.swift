import Foundation
import Testing
import TychoModel

/// `children`, `impact`, `trace` and `tree` on a well-formed tree.
@Suite struct TreeQueryTests {
    /// root ─┬─ b1 ─┬─ c1 (newer)        written out of order, across two files
    ///       │      └─ c2 (older)
    ///       └─ b2 ─── c3 ─── d1
    static let files = [
        "1.jsonl": jsonl(
            eventLine("c1", parent: "b1", start: "2020-01-01T00:03:00Z"),
            eventLine("d1", parent: "c3", start: "2020-01-01T00:05:00Z"),
            eventLine("root", start: "2020-01-01T00:00:00Z"),
            eventLine("b2", parent: "root", start: "2020-01-01T00:02:00Z")),
        "2.jsonl": jsonl(
            eventLine("c2", parent: "b1", start: "2020-01-01T00:02:30Z"),
            eventLine("b1", parent: "root", start: "2020-01-01T00:01:00Z"),
            eventLine("c3", parent: "b2", start: "2020-01-01T00:04:00Z"),
            eventLine("loner", start: "2020-01-01T00:00:00Z")),
    ]

    @Test func childrenAreDirectAndOldestFirst() throws {
        let store = try DataFixture.load(Self.files)
        #expect(store.ids(store.childRecords(try store.required("root"))) == ["b1", "b2"])
        #expect(store.ids(store.childRecords(try store.required("b1"))) == ["c2", "c1"])
        #expect(store.ids(store.childRecords(ofID: "b2")) == ["c3"])
        #expect(store.childRecords(try store.required("d1")) == [])
        #expect(store.childRecords(ofID: "no-such-event") == [])
        #expect(store.childCount(try store.required("b1")) == 2)
    }

    @Test func childrenWithTheSameStartAreOrderedByID() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("p"),
            eventLine("k3", parent: "p", start: "2020-01-01T00:00:01Z"),
            eventLine("k2", parent: "p", start: "2020-01-01T00:00:01Z"),
            eventLine("k1", parent: "p", start: "2020-01-01T00:00:01Z"),
            eventLine("k0", parent: "p", start: "2020-01-01T00:00:02Z"),
            eventLine("k9", parent: "p", start: "2020-01-01T00:00:00Z"))])
        #expect(store.ids(store.childRecords(ofID: "p")) == ["k9", "k1", "k2", "k3", "k0"])
    }

    @Test func traceGoesFromTheEventToTheRoot() throws {
        let store = try DataFixture.load(Self.files)
        #expect(store.ids(store.trace(try store.required("d1"))) == ["d1", "c3", "b2", "root"])
        #expect(store.ids(store.trace(try store.required("root"))) == ["root"])
        #expect(store.id(store.root(of: try store.required("c1"))) == "root")
        #expect(store.ids(store.trace(try store.required("loner"))) == ["loner"])
    }

    @Test func impactIsTheSubtreeDepthFirstChildrenOldestFirst() throws {
        let store = try DataFixture.load(Self.files)
        let rows = store.impact(try store.required("root"))
        #expect(rows.map { "\(String(repeating: ".", count: $0.depth))\(store.id($0.record))" }
            == ["root", ".b1", "..c2", "..c1", ".b2", "..c3", "...d1"])
        #expect(rows.map(\.parentRow) == [-1, 0, 1, 1, 0, 4, 5])
        #expect(rows.map(\.isLastChild) == [true, false, false, true, true, true, true])
        #expect(rows.map(\.childCount) == [2, 2, 0, 0, 1, 1, 0])
        #expect(rows.allSatisfy { !$0.isBackReference })
        #expect(store.ids(store.impact(try store.required("b2")).map(\.record)) == ["b2", "c3", "d1"])
        #expect(store.ids(store.impact(try store.required("d1")).map(\.record)) == ["d1"])
    }

    @Test func treeIsTheImpactOfTheRoot() throws {
        let store = try DataFixture.load(Self.files)
        let fromLeaf = store.tree(try store.required("d1"))
        #expect(fromLeaf == store.impact(try store.required("root")))
        #expect(store.tree(try store.required("c2")) == fromLeaf)
        #expect(store.tree(try store.required("root")) == fromLeaf)
        #expect(store.ids(store.tree(try store.required("loner")).map(\.record)) == ["loner"])
    }

    @Test func impactAsJSONIsNestedEventAndChildren() throws {
        let store = try DataFixture.load(Self.files)
        let json = EventJSON.encodeTree(store.impact(try store.required("root")), store: store)
        #expect(try nestedIDs(parseJSON(json)) == "root(b1(c2,c1),b2(c3(d1)))")
        let leaf = EventJSON.encodeTree(store.tree(try store.required("d1")), store: store)
        #expect(leaf == json)
        let single = EventJSON.encodeTree(store.impact(try store.required("d1")), store: store)
        #expect(try nestedIDs(parseJSON(single)) == "d1")
        let node = try #require(try parseJSON(single) as? [String: Any])
        #expect(Set(node.keys) == ["event", "children"])
        #expect((node["children"] as? [Any])?.isEmpty == true)
    }

    @Test func collapsedNodesAreNotDescended() throws {
        let store = try DataFixture.load(Self.files)
        let b1 = try store.required("b1")
        let rows = store.flattenTree(root: try store.required("root")) { $0 != b1 }
        #expect(store.ids(rows.map(\.record)) == ["root", "b1", "b2", "c3", "d1"])
        #expect(rows[1].isExpanded == false)
        #expect(rows[1].childCount == 2)
    }
}

/// A parsed `{"event": ..., "children": [...]}` tree as `id(child,child(...))`.
func nestedIDs(_ value: Any) throws -> String {
    // Iterative, so a deep tree does not overflow the test's stack either.
    var out = ""
    var stack: [(node: Any?, closing: Bool, comma: Bool)] = [(value, false, false)]
    while let (node, closing, comma) = stack.popLast() {
        if closing {
            out += ")"
            continue
        }
        if comma { out += "," }
        let object = try #require(node as? [String: Any])
        let event = try #require(object["event"] as? [String: Any])
        let children = try #require(object["children"] as? [Any])
        out += try #require(event["id"] as? String)
        guard !children.isEmpty else { continue }
        out += "("
        stack.append((nil, true, false))
        for (k, child) in children.enumerated().reversed() { stack.append((child, false, k > 0)) }
    }
    return out
}
