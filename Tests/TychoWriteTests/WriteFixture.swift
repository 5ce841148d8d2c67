import Foundation
import TychoCLI
import TychoModel
import XCTest

/// A fresh data directory for one test, removed afterwards, with helpers to run the write and
/// query commands in-process and to look at the log's bytes.
final class WriteFixture {
    let directory: String

    init(name: String = #function) throws {
        let base = FileManager.default.temporaryDirectory.path + "/tycho-write-tests"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let safe = name.filter { $0.isLetter || $0.isNumber }
        directory = base + "/\(safe)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var logPath: String { directory + "/" + EventWriter.logName }

    /// The log's bytes (empty when it does not exist yet).
    func logBytes() -> [UInt8] { FileManager.default.contents(atPath: logPath).map { [UInt8]($0) } ?? [] }

    func logLines() -> [String] {
        String(decoding: logBytes(), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Every data file's bytes, by name: to show that a refused command changed nothing.
    func snapshot() -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in (try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".jsonl") {
            files[name] = FileManager.default.contents(atPath: directory + "/" + name).map { [UInt8]($0) }
        }
        return files
    }

    /// Writes a data file of the given lines (each gets its newline).
    func writeDataFile(_ name: String, _ lines: [String]) throws {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
    }

    func append(toLog text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    struct Run {
        let status: Int32
        let out: String
        let err: String

        /// Each output line parsed as a JSON object.
        var objects: [[String: Any]] {
            out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        var ids: [String] { objects.compactMap { $0["id"] as? String } }
    }

    /// `tycho COMMAND --data DIR ARGUMENTS...` in-process, with `input` as standard input.
    @discardableResult
    func tycho(_ command: String, _ arguments: [String] = [], input: String = "") -> Run {
        var out = "", err = ""
        let bytes = Array(input.utf8)
        let outcome = CommandLineTool.run([command, "--data", directory] + arguments, environment: [:], out: &out, err: &err, input: { bytes })
        guard case .finished(let status) = outcome else {
            XCTFail("tycho \(command) did not finish: \(outcome)")
            return Run(status: -1, out: out, err: err)
        }
        return Run(status: status, out: out, err: err)
    }

    func put(_ input: String) -> Run { tycho("put", input: input) }

    func post(_ input: String, _ options: [String] = []) -> Run { tycho("post", options, input: input) }

    /// `tycho get ID` as a JSON object, or nil when it is not found.
    func get(_ id: String) -> [String: Any]? {
        let run = tycho("get", [id])
        guard run.status == 0 else { return nil }
        return run.objects.first
    }

    /// The ids of every event a query returns (all pages, newest first).
    func queryIDs(_ arguments: [String] = []) -> [String] {
        let run = tycho("query", arguments + ["--count", "100000"])
        XCTAssertEqual(run.status, 0, run.err)
        let object = try? JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any]
        return (object?["result"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    /// A writer with a fixed clock and predictable ids.
    func writer(now: Int64 = 1_700_000_000_000) -> EventWriter {
        let counter = Counter()
        return EventWriter(directory: directory, now: { now }, newID: { "generated-\(counter.next())" })
    }

    func load() throws -> EventStore { try EventLoader.load(directory: directory) }
}

final class Counter: @unchecked Sendable {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}

/// Builds one event's JSON from the fields given (nil leaves a field out).
func eventJSON(id: String? = nil, parent: String? = nil, source: String? = nil, start: String? = nil, end: String? = nil,
               description: String? = nil, links: [(String, String)]? = nil, tags: [(String, [String])]? = nil) -> String {
    var members: [String] = []
    func quoted(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed), as: UTF8.self)
    }
    if let id { members.append("\"id\": \(quoted(id))") }
    if let parent { members.append("\"parent_id\": \(quoted(parent))") }
    if let source { members.append("\"source_id\": \(quoted(source))") }
    if let start { members.append("\"start_time\": \(quoted(start))") }
    if let end { members.append("\"end_time\": \(quoted(end))") }
    if let description { members.append("\"description\": \(quoted(description))") }
    if let links { members.append("\"detail_urls\": {" + links.map { "\(quoted($0.0)): \(quoted($0.1))" }.joined(separator: ", ") + "}") }
    if let tags {
        members.append("\"tags\": {" + tags.map { "\(quoted($0.0)): [" + $0.1.map(quoted).joined(separator: ", ") + "]" }.joined(separator: ", ") + "}")
    }
    return "{" + members.joined(separator: ", ") + "}"
}

/// `2024-05-01T10:MM:00+00:00`, Tycho's output form, for minute `minute` of a fixed hour.
func at(_ hour: Int, _ minute: Int) -> String {
    let h = hour < 10 ? "0\(hour)" : "\(hour)"
    let m = minute < 10 ? "0\(minute)" : "\(minute)"
    return "2024-05-01T\(h):\(m):00+00:00"
}

func milliseconds(_ text: String) -> Int64 { try! Timestamp.parse(text) }

func tagDictionary(_ object: [String: Any]?) -> [String: [String]] { object?["tags"] as? [String: [String]] ?? [:] }
