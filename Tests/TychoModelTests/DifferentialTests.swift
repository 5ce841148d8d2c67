import Foundation
import Testing
import TychoModel

/// The fast loader against a slow reference written here with Foundation's JSONSerialization:
/// both read the same files, and every live event must agree on every field, as must the tag
/// index and the parent → children index.
///
/// JSONSerialization does not keep the order of object members, so tags and detail URLs are
/// compared as key → values maps (the order of a tag's values is kept and compared).
@Suite struct DifferentialTests {
    @Test(.enabled(if: Reference.generator != nil, "needs python3 and ../shared/bench/gen_events.py"))
    func generatedEvents() throws {
        try withTemporaryDirectory { directory in
            let generator = try #require(Reference.generator)
            try run(generator.python, [generator.script, "--events", "3000", "--out", directory])
            let checked = try compare(directory)
            #expect(checked > 2500)
        }
    }

    @Test func handMadeFixtures() throws {
        let early = [
            #"{"id": "a1", "start_time": "2026-03-01T10:00:00Z", "description": "plain", "tags": {"service": ["svc-a"], "env": ["prod"]}}"#,
            #"{"id": "a2", "parent_id": "a1", "source_id": "src\/2", "start_time": "2026-03-01T10:00:01.5+02:00", "end_time": "2026-03-01T10:05:00.123456Z", "description": "esc \"q\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude80 end", "detail_urls": {"build": "https://ci.example.com/1", "diff": "https://x.example.com/d?a=1&b=\u00e9"}, "tags": {"service": "svc-a", "stage": ["build", "test", "build"]}}"#,
            #"{"event": {"id": "wrapped-1", "parent_id": "a1", "start_time": "2026-03-01T10:00:02.000Z", "tags": {"service": ["svc-b"]}}}"#,
            #"{"id": "修复-1", "parent_id": "a2", "start_time": "2026-03-01T10:00:03-08:00", "description": "修复登录问题 🚀 crème brûlée", "tags": {"branch": ["feat/修复"], "service": ["svc-a"]}}"#,
            #"{"id": "dup", "start_time": "2026-03-01T10:00:04Z", "description": "first version", "tags": {"status": ["pending"]}}"#,
            #"{"id": "gone", "start_time": "2026-03-01T10:00:05Z", "description": "deleted below"}"#,
            #"{"start_time": "2026-03-01T10:00:06Z", "description": "no id: the loader makes one", "tags": {"service": ["svc-a"]}}"#,
            #"{"id": "self", "parent_id": "self", "start_time": "2026-03-01T10:00:07Z"}"#,
            #"{"id": "orphan-child", "parent_id": "never-seen", "end_time": "2026-03-01T10:00:08Z"}"#,
            #"{"id":"compact","parent_id":"dup","start_time":"2026-03-01T10:00:09+05:30","tags":{"service":["svc-a"],"env":["prod"]},"detail_urls":{}}"#,
            #"{"id": "e\u0073caped-id", "parent_id": "a\u0031", "start_time": "2026-03-01T10:00:10Z"}"#,
            #"{"id": "dup", "start_time": "2026-03-01T10:00:11Z", "end_time": "2026-03-01T10:20:00Z", "description": "second version wins", "tags": {"status": ["success"]}}"#,
            #"{"delete": "gone"}"#,
            #"{"event": {"id": "dup2", "start_time": "2026-03-01T10:00:12Z", "description": "wrapped, then replaced"}}"#,
        ].joined(separator: "\n") + "\n"
        let late = [
            #"{"id": "b1", "parent_id": "a1", "start_time": "2026-03-02T09:00:00Z", "description": "child in a later file"}"#,
            #"{"event": {"id": "dup2", "parent_id": "b1", "start_time": "2026-03-02T09:00:01Z", "description": "later file wins"}}"#,
            #"{"id": "never-seen-2", "parent_id": "修复-1", "start_time": "2026-03-02T09:00:02.7Z", "tags": {"service": ["svc-b"], "env": ["qa"]}}"#,
        ].joined(separator: "\n") + "\n"
        try withTemporaryDirectory { directory in
            try early.write(toFile: directory + "/events-a.jsonl", atomically: true, encoding: .utf8)
            try late.write(toFile: directory + "/events-b.jsonl", atomically: true, encoding: .utf8)
            #expect(try compare(directory) == 13)
        }
    }

    /// Source ids are stored as 16 bytes when they are canonical lower-case UUIDs: every other
    /// form (upper case, braces, 36 characters that are not a UUID) must come back as written,
    /// and the `source_id:` filter must find each form exactly.
    @Test func sourceIDForms() throws {
        let sources = ["07364ee0-a5a3-4901-ba22-ccb1e017d3c7", "07364EE0-A5A3-4901-BA22-CCB1E017D3C7",
                       "07364ee0-a5a3-4901-ba22-ccb1e017d3cg", "07364ee0_a5a3_4901_ba22_ccb1e017d3c7",
                       "{07364ee0-a5a3-4901-ba22-ccb1e017d3c7}", "build#7", ""]
        let lines = sources.enumerated().map { k, source in
            #"{"id": "s\#(k)", "source_id": "\#(source)", "start_time": "2026-03-01T10:00:0\#(k)Z"}"#
        }
        try withTemporaryDirectory { directory in
            try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/events.jsonl", atomically: true, encoding: .utf8)
            #expect(try compare(directory) == sources.count)
            let store = try EventLoader.load(directory: directory)
            for (k, source) in sources.enumerated() where !source.isEmpty {
                let found = store.events(matching: EventFilter(tags: [TagTerm(key: "source_id", value: source)]))
                #expect((0..<found.count).map { store.id(found[$0]) } == ["s\(k)"], "source_id:\(source)")
            }
        }
    }

    /// A file over the loader's 8 MB range size, so it is read as several ranges: parents in
    /// an earlier range are resolved across ranges, and line numbers continue.
    @Test func fileSplitIntoRanges() throws {
        let padding = String(repeating: "x", count: 480)
        var text = ""
        for k in 0..<20_000 {
            let parent = k == 0 ? "" : #""parent_id": "chain-\#(k / 2)", "#
            let second = String(format: "%02d", k % 60), minute = String(format: "%02d", k / 60 % 60), hour = String(format: "%02d", k / 3600)
            text += #"{"id": "chain-\#(k)", \#(parent)"start_time": "2026-04-01T\#(hour):\#(minute):\#(second)Z", "description": "\#(padding) \#(k)", "tags": {"n": ["\#(k % 7)"]}}"# + "\n"
        }
        try withTemporaryDirectory { directory in
            try text.write(toFile: directory + "/big.jsonl", atomically: true, encoding: .utf8)
            #expect(text.utf8.count > 9_000_000)
            #expect(try compare(directory) == 20_000)
        }
    }

    // MARK: - Comparing

    /// Loads `directory` both ways, compares every live event and the indexes, and returns
    /// how many events were compared.
    private func compare(_ directory: String) throws -> Int {
        let store = try EventLoader.load(directory: directory)
        let expected = try Reference.read(directory)
        #expect(store.problems.isEmpty, "\(store.problems)")
        #expect(store.count == expected.live.count)
        var byTag: [String: Int] = [:]
        var childrenOf: [String: Set<String>] = [:]
        for position in 0..<store.count {
            let record = store.record(atRank: position)
            let (file, line) = store.location(record)
            guard let event = expected.live[Reference.Location(file: file, line: line)] else {
                Issue.record("\(file):\(line) is live in the store but not in the reference")
                continue
            }
            let actual = store.event(record)
            if let id = event.id {
                #expect(actual.id == id, "\(file):\(line)")
            } else {
                #expect(actual.id.utf8.count == 36 && actual.id.split(separator: "-").count == 5, "generated id \(actual.id)")
            }
            #expect(actual.parentID == event.parentID, "\(file):\(line)")
            #expect(actual.sourceID == event.sourceID, "\(file):\(line)")
            #expect(actual.description == event.description, "\(file):\(line)")
            #expect(actual.startTime == event.start, "\(file):\(line) start")
            #expect(actual.endTime == event.end, "\(file):\(line) end")
            #expect(Dictionary(actual.detailURLs.map { ($0.name, $0.url) }, uniquingKeysWith: { $1 }) == event.detailURLs, "\(file):\(line)")
            #expect(Dictionary(actual.tags.map { ($0.key, $0.values) }, uniquingKeysWith: { $1 }) == event.tags, "\(file):\(line)")
            for (key, values) in event.tags {
                for value in values { byTag[key + ":" + value, default: 0] += 1 }
            }
            if !event.parentID.isEmpty { childrenOf[event.parentID, default: []].insert(actual.id) }
        }
        for (tag, count) in byTag {
            let term = try #require(TagTerm(parsing: tag))
            #expect(store.events(matching: EventFilter(tags: [term])).count == count, "tag \(tag)")
        }
        for (parent, children) in childrenOf {
            #expect(Set(store.childRecords(ofID: parent).map(store.id)) == children, "children of \(parent)")
        }
        return store.count
    }

    private func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    private func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tycho-differential-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }
}

/// The slow, obvious reading of a data directory: JSONSerialization per line, times through
/// Foundation's calendar, and "the last line of an id wins" by a dictionary.
enum Reference {
    struct Location: Hashable {
        let file: String
        let line: Int
    }

    struct Event {
        var id: String?  // nil: the line has none (the loader makes one up)
        var parentID = ""
        var sourceID = ""
        var description = ""
        var start: Int64 = 0
        var end: Int64 = 0
        var detailURLs: [String: String] = [:]
        var tags: [String: [String]] = [:]
    }

    /// `python3` and the generator, found from this file's place in the repository
    /// (`REPO/Tests/TychoModelTests/…`, the shared directory being `REPO/../shared`).
    static let generator: (python: String, script: String)? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = repository.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_events.py").path
        let python = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python, FileManager.default.fileExists(atPath: script) else { return nil }
        return (python, script)
    }()

    /// The live events of `directory` by where their line is.
    static func read(_ directory: String) throws -> (live: [Location: Event], count: Int) {
        var latest: [String: Location] = [:]
        var events: [Location: Event] = [:]
        var anonymous: [Location] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
                guard line.contains(where: { $0 != 0x20 && $0 != 0x0D }) else { continue }
                let location = Location(file: name, line: index + 1)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
                if object["event"] == nil, let deleted = object["delete"] as? String {
                    latest[deleted] = nil
                    continue
                }
                let fields = (object["event"] as? [String: Any]) ?? object
                let event = try Self.event(fields)
                events[location] = event
                if let id = event.id { latest[id] = location } else { anonymous.append(location) }
            }
        }
        var live: [Location: Event] = [:]
        for location in Array(latest.values) + anonymous { live[location] = events[location] }
        return (live, live.count)
    }

    private static func event(_ fields: [String: Any]) throws -> Event {
        var event = Event(id: fields["id"] as? String)
        event.parentID = fields["parent_id"] as? String ?? ""
        event.sourceID = fields["source_id"] as? String ?? ""
        event.description = fields["description"] as? String ?? ""
        let start = try (fields["start_time"] as? String).map(milliseconds)
        let end = try (fields["end_time"] as? String).map(milliseconds)
        event.start = start ?? end ?? 0
        event.end = end ?? event.start
        event.detailURLs = fields["detail_urls"] as? [String: String] ?? [:]
        for (key, value) in fields["tags"] as? [String: Any] ?? [:] {
            let values = (value as? [String]) ?? [value as? String].compactMap { $0 }
            var unique: [String] = []
            for value in values where !unique.contains(value) { unique.append(value) }
            if !unique.isEmpty { event.tags[key] = unique }
        }
        return event
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` as UTC milliseconds, the fraction truncated.
    static func milliseconds(_ text: String) throws -> Int64 {
        let pattern = try NSRegularExpression(pattern: #"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$"#)
        let range = NSRange(text.startIndex..., in: text)
        let match = try #require(pattern.firstMatch(in: text, range: range), "unexpected time \(text)")
        func group(_ k: Int) -> String? {
            Range(match.range(at: k), in: text).map { String(text[$0]) }
        }
        func number(_ k: Int) -> Int { Int(group(k) ?? "0") ?? 0 }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: number(1), month: number(2), day: number(3), hour: number(4), minute: number(5), second: number(6))
        let date = try #require(calendar.date(from: components))
        var milliseconds = Int64(date.timeIntervalSince1970.rounded()) * 1000
        if let fraction = group(7) { milliseconds += Int64(String((fraction + "00").prefix(3)))! }
        if group(9) != nil {
            let offset = Int64(number(10) * 60 + number(11)) * 60_000
            milliseconds += group(9) == "-" ? offset : -offset
        }
        return milliseconds
    }
}
