import Foundation
import Testing
import TychoModel

/// A chain of 100,000 events (each the parent of the next) and a long cycle: every tree query
/// and the JSON tree encoder must work without recursion deep enough to overflow the stack.
/// The time limit is a hang guard, not a benchmark: the suite takes seconds even in a busy
/// debug build, while a cycle followed forever or an O(n²) step would take hours.
@Suite(.timeLimit(.minutes(3))) struct DeepChainTests {
    static let length = 100_000

    /// e0 ← e1 ← … ← e99999, written leaf first so every parent appears later in the data.
    static let chain: EventStore = {
        var text = ""
        text.reserveCapacity(length * 90)
        for k in stride(from: length - 1, through: 0, by: -1) {
            let parent = k == 0 ? "" : ", \"parent_id\": \"e\(k - 1)\""
            // A distinct time per event (a millisecond apart), so the timeline sort compares times, not ids.
            let (minute, second, millisecond) = (k / 60_000, k / 1000 % 60, k % 1000)
            let time = "2020-01-01T00:\(minute < 10 ? "0" : "")\(minute):\(second < 10 ? "0" : "")\(second)."
                + "\(millisecond < 100 ? "0" : "")\(millisecond < 10 ? "0" : "")\(millisecond)Z"
            text += "{\"id\": \"e\(k)\"\(parent), \"start_time\": \"\(time)\"}\n"
        }
        return try! DataFixture.load(["chain.jsonl": text])
    }()

    /// c0 → c1 → … → c9999 → c0 (each names the next as its parent). Shorter than the chain:
    /// its length adds nothing the chain does not already test, and loading costs time.
    static let cycleLength = 10_000
    static let cycle: EventStore = {
        var text = ""
        for k in 0..<cycleLength {
            text += "{\"id\": \"c\(k)\", \"parent_id\": \"c\((k + 1) % cycleLength)\", \"start_time\": \"2020-01-01T00:00:00Z\"}\n"
        }
        return try! DataFixture.load(["cycle.jsonl": text])
    }()

    @Test func chainLoads() {
        #expect(Self.chain.count == Self.length)
        #expect(Self.chain.problems.isEmpty)
        #expect(Self.chain.startTime(Self.chain.record(id: "e61001") ?? 0) == 1_577_836_800_000 + 61_001)
    }

    @Test func traceOfTheDeepestEventReachesTheRoot() throws {
        let store = Self.chain
        let trace = store.trace(try store.required("e99999"))
        #expect(trace.count == Self.length)
        #expect(store.id(trace[0]) == "e99999")
        #expect(store.id(trace[1]) == "e99998")
        #expect(store.id(trace[Self.length - 1]) == "e0")
    }

    @Test func impactOfTheRootIsTheWholeChainAndPrintsAsNestedJSON() throws {
        let store = Self.chain
        let rows = store.impact(try store.required("e0"))
        #expect(rows.count == Self.length)
        #expect(rows.last?.depth == Self.length - 1)
        #expect(rows.last.map { store.id($0.record) } == "e99999")
        #expect(rows.enumerated().allSatisfy { k, row in row.depth == k && row.parentRow == k - 1 })
        // Too deep for JSONSerialization (see the next test for a parsed one): check the frame.
        let json = EventJSON.encodeTree(rows, store: store)
        #expect(json.hasPrefix(#"{"event": {"id": "e0", "parent_id": "", "#))
        #expect(json.hasSuffix(#", "children": ["# + String(repeating: "]}", count: Self.length)))
        #expect(occurrences(of: #"{"event": {"id": "e"#, in: json) == Self.length)
        #expect(occurrences(of: #""children": [{"event": "#, in: json) == Self.length - 1)
    }

    @Test func deepTreeThatFoundationCanParseHasTheRightShape() throws {
        // 200 levels: 400 nested containers, inside JSONSerialization's limit.
        let text = (0..<200).map { k in eventLine("d\(k)", parent: k == 0 ? nil : "d\(k - 1)") + "\n" }.joined()
        let store = try DataFixture.load(["deep.jsonl": text])
        let json = EventJSON.encodeTree(store.impact(try store.required("d0")), store: store)
        #expect(try nestedIDs(parseJSON(json)) == (0..<200).map { "d\($0)" }.joined(separator: "(") + String(repeating: ")", count: 199))
        #expect(try jsonNestingShape(json).objectsWithEvent == 200)
    }

    @Test func treeFromTheDeepestEventIsTheRootsImpact() throws {
        let store = Self.chain
        let rows = store.tree(try store.required("e99999"))
        #expect(rows.count == Self.length)
        #expect(rows.first.map { store.id($0.record) } == "e0")
        #expect(rows.last.map { store.id($0.record) } == "e99999")
    }

    @Test func longCycleEndsAndListsEachOnce() throws {
        let store = Self.cycle
        let trace = store.trace(try store.required("c0"))
        #expect(trace.count == Self.cycleLength)
        #expect(Set(trace).count == Self.cycleLength)
        #expect(store.id(trace[1]) == "c1")
        let rows = store.tree(try store.required("c500"))
        #expect(Set(rows.filter { !$0.isBackReference }.map(\.record)).count == Self.cycleLength)
        #expect(rows.filter(\.isBackReference).count == 1, "the link that closes the cycle, shown once and not followed")
        let shape = try jsonNestingShape(EventJSON.encodeTree(rows, store: store))
        #expect(shape.objectsWithEvent == Self.cycleLength)
    }
}

/// How many times `needle` occurs in `text` (with `strstr`, quick in a debug build).
func occurrences(of needle: String, in text: String) -> Int {
    text.withCString { base in
        needle.withCString { needle in
            var count = 0
            var cursor = strstr(base, needle)
            while let found = cursor {
                count += 1
                cursor = strstr(found + 1, needle)
            }
            return count
        }
    }
}

/// Checks that `json` is balanced JSON nesting (strings skipped, without recursion) and counts
/// its depth and the `"event"` members, for trees too deep for JSONSerialization. Jumps from
/// token to token with `strcspn`, so it stays quick in a debug build.
func jsonNestingShape(_ json: String) throws -> (maximumDepth: Int, objectsWithEvent: Int) {
    var stack: [UInt8] = []
    var maximumDepth = 0, events = 0
    var isBalanced = true
    let end = json.utf8.count
    json.withCString { base in
        // Bytes through the C string itself: no copy of a 20 MB string in a debug build.
        let bytes = UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self)
        var i = strcspn(base, "{}[]\"")
        while i < end && isBalanced {
            let byte = bytes[i]
            switch byte {
            case 0x22:  // a string: count "event": members of objects, skip to the closing quote
                if stack.last == 0x7D && strncmp(base + i, "\"event\":", 8) == 0 { events += 1 }
                i += 1
                while i < end {
                    i += strcspn(base + i, "\"\\")
                    if bytes[i] != 0x5C { break }
                    i += 2
                }
            case 0x7B, 0x5B:  // { [
                stack.append(byte + 2)
                maximumDepth = max(maximumDepth, stack.count)
            default:  // } ]
                isBalanced = stack.popLast() == byte
            }
            i += 1
            if i < end { i += strcspn(base + i, "{}[]\"") }
        }
    }
    try #require(isBalanced && stack.isEmpty, "unbalanced JSON: \(stack.count) still open")
    return (maximumDepth, events)
}
