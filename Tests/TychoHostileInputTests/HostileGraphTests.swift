import Foundation
import Testing
import TychoModel

/// Parent links that loop, dangle, point forward, run 150,000 (or a million) deep or fan out
/// 200,000 wide: `trace`, `impact`, `tree` and `EventJSON.encodeTree` stay correct, end, and
/// never recurse deeply enough to overflow the stack. A cycle shows as one back-reference row.
@Suite struct HostileGraphTests {
    /// Loads events given as `(id, parent)` pairs, one line each, all at the same time unless
    /// `spaced` (then the k-th line starts k seconds after 2026-01-01).
    static func graph(_ pairs: [(String, String?)], spaced: Bool = false) throws -> EventStore {
        var text = ""
        for (k, (id, parent)) in pairs.enumerated() {
            let start = Timestamp.format(1_767_225_600_000 + (spaced ? Int64(k) * 1000 : 0))
            text += line(id, parent.map { "\"parent_id\": \(jsonString($0))" } ?? "", start: start) + "\n"
        }
        return try loadFile(text)
    }

    /// The ids of the rows that are not back references, and of those that are.
    static func shown(_ rows: [TreeRow], _ store: EventStore) -> (events: [String], backReferences: [String]) {
        (rows.filter { !$0.isBackReference }.map { store.id($0.record) }, rows.filter(\.isBackReference).map { store.id($0.record) })
    }

    // MARK: - Cycles

    @Test func selfParent() throws {
        let store = try Self.graph([("a", "a")])
        let a = try store.requiredRecord("a")
        #expect(store.ids(store.trace(a)) == ["a"])
        #expect(store.root(of: a) == a)
        #expect(store.childRecords(a) == [a])
        let rows = store.tree(a)
        #expect(rows.count == 2)
        #expect(rows[1].isBackReference && rows[1].depth == 1 && !rows[1].isExpanded)
        #expect(Self.shown(rows, store).events == ["a"])
    }

    @Test func twoCycle() throws {
        let store = try Self.graph([("a", "b"), ("b", "a")])
        let a = try store.requiredRecord("a")
        #expect(store.ids(store.trace(a)) == ["a", "b"])
        let rows = store.tree(a)
        #expect(Self.shown(rows, store).events == ["b", "a"])
        #expect(Self.shown(rows, store).backReferences == ["b"])
        #expect(rows.map(\.depth) == [0, 1, 2])
    }

    @Test func longCycleWithABranch() throws {
        let n = 1000
        var pairs = (0..<n).map { ("c\($0)", Optional("c\(($0 + 1) % n)")) }
        pairs.append(("x", "c5"))
        let store = try Self.graph(pairs)
        let x = try store.requiredRecord("x")
        let trace = store.trace(x)
        #expect(trace.count == n + 1)
        #expect(store.ids(Array(trace.prefix(3))) == ["x", "c5", "c6"])
        #expect(store.id(trace.last ?? x) == "c4")
        let rows = store.tree(x)
        let (events, backReferences) = Self.shown(rows, store)
        #expect(events.count == n + 1 && Set(events).count == n + 1)
        #expect(backReferences == ["c4"])
        #expect(rows.count == n + 2)
    }

    @Test func flattenTreeShowsACycleAsOneBackReferenceRow() throws {
        let store = try Self.graph([("a", "c"), ("b", "a"), ("c", "b")])
        let a = try store.requiredRecord("a")
        let rows = store.flattenTree(root: a) { _ in true }
        #expect(rows.map { store.id($0.record) } == ["a", "b", "c", "a"])
        #expect(rows.map(\.isBackReference) == [false, false, false, true])
        #expect(rows[3].parentRow == 2 && rows[3].childCount == 1 && !rows[3].isExpanded)
        // Collapsed nodes are not descended into.
        #expect(store.flattenTree(root: a) { $0 != store.record(id: "b") }.count == 2)
    }

    // MARK: - Missing and late parents

    @Test func orphanWithAMissingParent() throws {
        let store = try Self.graph([("o", "missing"), ("p", "missing")], spaced: true)
        let o = try store.requiredRecord("o")
        #expect(store.event(o).parentID == "missing", "the parent id is kept as written")
        #expect(store.parentRecord(o) == nil)
        #expect(store.ids(store.trace(o)) == ["o"])
        #expect(store.ids(store.childRecords(ofID: "missing")) == ["o", "p"])
        #expect(store.tree(o).map { store.id($0.record) } == ["o"])
    }

    @Test func parentAppearingLaterInTheDataAndInALaterFile() throws {
        let directory = try HostileDirectory()
        try directory.write("1.jsonl", line("child", "\"parent_id\": \"p\"", start: "2026-01-02T00:00:00Z") + "\n"
            + line("p", start: "2026-01-01T00:00:00Z") + "\n")
        try directory.write("2.jsonl", line("late", "\"parent_id\": \"q\"", start: "2026-01-03T00:00:00Z") + "\n")
        try directory.write("3.jsonl", line("q", "\"parent_id\": \"p\"", start: "2026-01-01T12:00:00Z") + "\n")
        let store = try directory.load()
        let late = try store.requiredRecord("late")
        #expect(store.ids(store.trace(late)) == ["late", "q", "p"])
        // Children are listed oldest first (by start time), wherever their lines are.
        #expect(store.ids(store.childRecords(try store.requiredRecord("p"))) == ["q", "child"])
        #expect(store.tree(late).map { store.id($0.record) } == ["p", "q", "late", "child"])
    }

    // MARK: - Size

    /// The chain's length: 150,000 by default (about 20 s), `TYCHO_CHAIN_LENGTH=1000000` for the
    /// full million, which passes in 75 s in a debug build on two cores (load 26 s, trace 0.5 s,
    /// tree 2 s, encodeTree 28 s): too slow for every run, and nothing about depth changes
    /// between the sizes (nothing recurses, so no stack limit is near either way).
    static let chainLength = ProcessInfo.processInfo.environment["TYCHO_CHAIN_LENGTH"].flatMap { Int($0) } ?? 150_000

    /// e0 ← e1 ← … ← e(n-1), written deepest first, so every parent appears later in the data.
    static let chain: (store: EventStore, seconds: Double) = {
        var text = ""
        text.reserveCapacity(chainLength * 72)
        for k in stride(from: chainLength - 1, through: 0, by: -1) {
            text += k == 0 ? "{\"id\": \"e0\", \"start_time\": \"2026-01-01\"}\n"
                : "{\"id\": \"e\(k)\", \"parent_id\": \"e\(k - 1)\", \"start_time\": \"2026-01-01\"}\n"
        }
        return try! timed { try loadFile(text) }
    }()

    @Test func longChain() throws {
        let (store, loadSeconds) = Self.chain
        let n = Self.chainLength
        #expect(store.count == n && store.problems.isEmpty)
        let deepest = try store.requiredRecord("e\(n - 1)")
        let (trace, traceSeconds) = timed { store.trace(deepest) }
        #expect(trace.count == n)
        #expect(store.id(trace[n - 1]) == "e0")
        let (rows, treeSeconds) = timed { store.tree(deepest) }
        #expect(rows.count == n)
        #expect(rows.last?.depth == n - 1)
        #expect(rows.last.map { store.id($0.record) } == "e\(n - 1)")
        let impact = store.impact(try store.requiredRecord("e\(n / 2)"))
        #expect(impact.count == n / 2)
        let (json, encodeSeconds) = timed { EventJSON.encodeTree(rows, store: store) }
        // Too deep for Foundation's parser (it stops at 512 levels): check the nesting by hand.
        #expect(json.hasPrefix("{\"event\": {\"id\": \"e0\", "))
        #expect(json.hasSuffix(String(repeating: "]}", count: 3)))
        var depth = 0, deepestDepth = 0, isBalanced = true
        for byte in json.utf8 {
            if byte == UInt8(ascii: "[") { depth += 1; deepestDepth = max(deepestDepth, depth) }
            if byte == UInt8(ascii: "]") { depth -= 1; if depth < 0 { isBalanced = false } }
        }
        #expect(isBalanced && depth == 0)
        #expect(deepestDepth == n)
        print("\(n)-event chain: load \(loadSeconds) s, trace \(traceSeconds) s, tree \(treeSeconds) s, encodeTree \(encodeSeconds) s")
    }

    @Test func twoHundredThousandChildren() throws {
        let n = 200_000
        var text = line("root", start: "2026-01-01T00:00:00Z") + "\n"
        text.reserveCapacity(n * 80)
        for k in 0..<n {
            text += "{\"id\": \"k\(k)\", \"parent_id\": \"root\", \"start_time\": \"\(Timestamp.format(1_767_225_600_000 + Int64(k)))\"}\n"
        }
        let store = try loadFile(text)
        let root = try store.requiredRecord("root")
        #expect(store.childCount(root) == n)
        let children = store.childRecords(root)
        #expect(store.id(children[0]) == "k0" && store.id(children[n - 1]) == "k\(n - 1)", "oldest first")
        let (rows, seconds) = timed { store.tree(children[n / 2]) }
        #expect(rows.count == n + 1)
        #expect(rows.dropFirst().allSatisfy { $0.depth == 1 && $0.parentRow == 0 })
        #expect(rows.last?.isLastChild == true && rows.dropFirst().dropLast().allSatisfy { !$0.isLastChild })
        #expect(store.ids(store.trace(children[7])) == ["k7", "root"])
        #expect(store.events(matching: EventFilter(tags: [TagTerm(key: "parent_id", value: "root")])).count == n)
        let (json, encodeSeconds) = timed { EventJSON.encodeTree(rows, store: store) }
        let object = try #require(try parseJSON(json) as? [String: Any])
        #expect((object["children"] as? [Any])?.count == n)
        print("200,000 children: tree \(seconds) s, encodeTree \(encodeSeconds) s")
    }
}

extension EventStore {
    func ids(_ records: [Int]) -> [String] { records.map { id($0) } }
}
