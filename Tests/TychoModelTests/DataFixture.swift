import Foundation
import Testing
import TychoModel

/// A data directory made for one test: files written byte for byte into a fresh temporary
/// folder, loaded with `EventLoader.load(directory:)`, and removed again.
enum DataFixture {
    /// Loads files given as text (names may contain `/` for subfolders).
    static func load(_ files: [String: String]) throws -> EventStore {
        try loadBytes(files.mapValues { Array($0.utf8) })
    }

    /// Loads files given as exact bytes.
    static func loadBytes(_ files: [String: [UInt8]]) throws -> EventStore {
        try withDirectory(files) { directory in try EventLoader.load(directory: directory) }
    }

    /// Writes `files` into a new temporary directory, runs `body` on its path, then removes it.
    static func withDirectory<T>(_ files: [String: [UInt8]], _ body: (String) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tycho-model-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, bytes) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return try body(directory.path)
    }
}

/// One JSON line with the fields in Tycho's order; nil fields are left out.
func eventLine(_ id: String?, parent: String? = nil, source: String? = nil,
               start: String? = "2026-01-01T00:00:00Z", end: String? = nil,
               description: String? = nil, tags: KeyValuePairs<String, [String]> = [:]) -> String {
    var members: [String] = []
    if let id { members.append("\"id\": \(jsonString(id))") }
    if let parent { members.append("\"parent_id\": \(jsonString(parent))") }
    if let source { members.append("\"source_id\": \(jsonString(source))") }
    if let start { members.append("\"start_time\": \(jsonString(start))") }
    if let end { members.append("\"end_time\": \(jsonString(end))") }
    if let description { members.append("\"description\": \(jsonString(description))") }
    if tags.count > 0 {
        let body = tags.map { key, values in "\(jsonString(key)): [\(values.map(jsonString).joined(separator: ", "))]" }
        members.append("\"tags\": {\(body.joined(separator: ", "))}")
    }
    return "{" + members.joined(separator: ", ") + "}"
}

/// `lines` joined with a newline after each.
func jsonl(_ lines: String...) -> String { lines.map { $0 + "\n" }.joined() }

/// A JSON string literal (Foundation's encoder, so the test does not trust the code under test).
func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
}

/// UTC milliseconds of an ISO 8601 time, for tests that are not about parsing.
func ms(_ text: String) -> Int64 { try! Timestamp.parse(text) }

extension EventStore {
    /// The ids of `records`, in order.
    func ids(_ records: [Int]) -> [String] { records.map { id($0) } }

    /// The live record with `id`, or a test failure.
    func required(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        try #require(record(id: id), "no live event \(id)", sourceLocation: sourceLocation)
    }

    /// Every id on the timeline, newest first.
    var allIDs: [String] { (0..<count).map { id(record(atRank: $0)) } }
}

/// Parses JSON text with Foundation, failing the test when it is not valid JSON.
func parseJSON(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
    do {
        return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    } catch {
        Issue.record("not valid JSON (\(error)): \(text.prefix(300))", sourceLocation: sourceLocation)
        throw error
    }
}
