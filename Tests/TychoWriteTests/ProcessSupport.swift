import Foundation
import XCTest

struct WriteTestFailure: Error, CustomStringConvertible {
    let description: String
}

/// The `tycho` binary the process tests run.
enum TychoBinary {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// $TYCHO_BIN, or `<repo>/.build/debug/tycho`; a clear failure (never a skip) when missing.
    static func path() throws -> String {
        let configured = ProcessInfo.processInfo.environment["TYCHO_BIN"].flatMap { $0.isEmpty ? nil : $0 }
        let path = configured ?? repositoryRoot + "/.build/debug/tycho"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw WriteTestFailure(description: "no tycho binary at \(path): run `swift build` first (`make test` does), or set TYCHO_BIN to the binary to test")
        }
        return path
    }
}

/// Runs programs as separate processes; output goes through files so a child never blocks.
enum Processes {
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// Starts `executable`; standard output and error go to the given files.
    static func start(_ executable: String, _ arguments: [String], standardOutput: String, standardError: String,
                      standardInput: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TYCHO_DATA"] = nil
        process.environment = environment
        _ = FileManager.default.createFile(atPath: standardOutput, contents: nil)
        _ = FileManager.default.createFile(atPath: standardError, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: standardOutput))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: standardError))
        if let standardInput {
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: standardInput))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// Runs `executable` to completion.
    static func run(_ executable: String, _ arguments: [String], standardInput: String? = nil) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.path + "/tycho-run-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: scratch + ".out")
            try? FileManager.default.removeItem(atPath: scratch + ".err")
        }
        let process = try start(executable, arguments, standardOutput: scratch + ".out", standardError: scratch + ".err", standardInput: standardInput)
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      standardOutput: (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? "",
                      standardError: (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? "")
    }
}

/// Checks a data directory from outside: `tycho check` exits 0, and every line of the log is a
/// whole JSON object ending in a newline. Returns the log's objects.
func assertStoreIsClean(_ directory: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
    let check = try Processes.run(try TychoBinary.path(), ["check", "--data", directory])
    XCTAssertEqual(check.status, 0, "tycho check: " + check.standardOutput + check.standardError, file: file, line: line)
    let bytes = FileManager.default.contents(atPath: directory + "/tycho-writes.jsonl").map { [UInt8]($0) } ?? []
    if let last = bytes.last {
        XCTAssertEqual(last, UInt8(ascii: "\n"), "the log ends in a torn line", file: file, line: line)
    }
    var objects: [[String: Any]] = []
    for (number, text) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !text.isEmpty {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text)) as? [String: Any] else {
            XCTFail("log line \(number + 1) does not parse: \(String(decoding: text.prefix(200), as: UTF8.self))", file: file, line: line)
            continue
        }
        objects.append(object)
    }
    return objects
}
