import Foundation
import Testing
import TychoModel

/// A data directory made for one test: files written byte for byte (or made as FIFOs and
/// symlinks) in a fresh temporary folder, loaded with `EventLoader.load(directory:)`, removed.
final class HostileDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tycho-hostile-\(UUID().uuidString)", isDirectory: true).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` (which may contain `/` for subfolders).
    func write(_ name: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }

    /// A symbolic link `name` pointing at `target` (taken as is: relative to the link's folder).
    func link(_ name: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + name, withDestinationPath: target)
    }

    func makeFolder(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + name, withIntermediateDirectories: true)
    }

    func load() throws -> EventStore { try EventLoader.load(directory: path) }
}

/// Loads one file `events.jsonl` holding exactly `bytes`.
func loadFile(_ bytes: [UInt8], name: String = "events.jsonl") throws -> EventStore {
    let directory = try HostileDirectory()
    try directory.write(name, bytes)
    return try directory.load()
}

func loadFile(_ text: String, name: String = "events.jsonl") throws -> EventStore {
    try loadFile(Array(text.utf8), name: name)
}

/// A JSON string literal written by Foundation, so a test does not trust the code under test.
func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
    return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
}

/// A valid event line with the given id, extra members spliced in before the closing brace.
func line(_ id: String, _ extra: String = "", start: String = "2026-01-01T00:00:00Z") -> String {
    "{\"id\": \(jsonString(id)), \"start_time\": \"\(start)\"\(extra.isEmpty ? "" : ", " + extra)}"
}

/// UTC milliseconds of a time that is not itself under test.
func ms(_ text: String) -> Int64 { try! Timestamp.parse(text) }

/// Parses JSON text with Foundation, failing the test when it is not valid JSON.
func parseJSON(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
    do {
        return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    } catch {
        Issue.record("not valid JSON (\(error)): \(text.prefix(300))", sourceLocation: sourceLocation)
        throw error
    }
}

extension EventStore {
    /// The live event with `id`, or a test failure.
    func required(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Event {
        event(try requiredRecord(id, sourceLocation: sourceLocation))
    }

    func requiredRecord(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        try #require(record(id: id), "no live event \(id)", sourceLocation: sourceLocation)
    }

    /// The problems as `file:line: reason`.
    var problemTexts: [String] { problems.map(\.description) }

    /// Every live id, newest first.
    var allIDs: [String] { (0..<count).map { id(record(atRank: $0)) } }
}

/// Seconds taken by `body`, with its result.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
