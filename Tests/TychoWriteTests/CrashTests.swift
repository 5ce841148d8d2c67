#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TychoModel
import XCTest

/// Writers killed with SIGKILL at random moments, repeatedly: the store stays readable, and
/// every write that reported success is there.
final class CrashTests: XCTestCase {
    /// A batch of `count` events whose descriptions make the write large (so a kill can land
    /// in the middle of it), written to a file.
    func batchFile(_ path: String, prefix: String, count: Int, size: Int) throws -> [String] {
        let filler = String(repeating: "0123456789abcdef", count: size / 16)
        let ids = (0..<count).map { "\(prefix)-\($0)" }
        let text = ids.map { eventJSON(id: $0, start: at(10, 0), description: "\($0) \(filler)", tags: [("batch", [prefix])]) + "\n" }.joined()
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return ids
    }

    /// The ids a killed or finished put printed (it prints only after its fsync, all or nothing).
    func reportedIDs(_ path: String) -> [String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
    }

    /// While a torn last line may be left: `tycho check` passes and every whole line parses.
    func assertReadable(_ store: WriteFixture, _ context: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let check = try Processes.run(try TychoBinary.path(), ["check", "--data", store.directory])
        XCTAssertEqual(check.status, 0, "\(context): tycho check: \(check.standardOutput)\(check.standardError)", file: file, line: line)
        let bytes = store.logBytes()
        let whole = bytes.lastIndex(of: UInt8(ascii: "\n")).map { Array(bytes[...$0]) } ?? []
        for text in whole.split(separator: UInt8(ascii: "\n")) where (try? JSONSerialization.jsonObject(with: Data(text))) == nil {
            XCTFail("\(context): a whole line of the log does not parse: \(String(decoding: text.prefix(120), as: UTF8.self))", file: file, line: line)
        }
    }

    func testBatchWritersKilledAtRandomMoments() throws {
        let binary = try TychoBinary.path()
        let store = try WriteFixture()
        let scratch = store.directory + "-scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        var reported: Set<String> = []
        var duration = 0.0  // of the last batch left to finish: kills are spread over that
        var killed = 0, finished = 0, tornTails = 0
        for round in 0..<16 {
            let input = scratch + "/round-\(round).jsonl"
            let ids = try batchFile(input, prefix: "round\(round)", count: 100, size: 1024)
            let started = Date()
            let process = try Processes.start(binary, ["put", "--data", store.directory, input],
                                              standardOutput: scratch + "/round-\(round).out", standardError: scratch + "/round-\(round).err")
            // Every fourth round runs to the end, to measure how long a batch takes now.
            let delay = round % 4 == 0 ? nil : Double.random(in: 0...(duration * 1.3))
            if let delay {
                Thread.sleep(forTimeInterval: delay)
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            let printed = reportedIDs(scratch + "/round-\(round).out")
            if process.terminationReason == .exit {
                finished += 1
                if delay == nil { duration = Date().timeIntervalSince(started) }
                XCTAssertEqual(process.terminationStatus, 0, "round \(round) failed on its own")
                XCTAssertEqual(printed, ids, "round \(round) finished without printing every event")
            } else {
                killed += 1
                XCTAssertTrue(printed.isEmpty || printed == ids, "round \(round): a put printed part of its batch")
            }
            reported.formUnion(printed)
            if let last = store.logBytes().last, last != UInt8(ascii: "\n") { tornTails += 1 }

            try assertReadable(store, "after round \(round) (killed after \(delay.map { String(format: "%.3f", $0) } ?? "-") s)")
            let loaded = try store.load()
            let missing = reported.filter { loaded.record(id: $0) == nil }
            XCTAssertEqual(missing.count, 0, "round \(round): \(missing.count) reported events are missing, e.g. \(missing.sorted().prefix(3))")
        }
        print("crash at random moments: \(killed) batch puts killed, \(finished) finished, \(tornTails) torn tails (a batch takes \(String(format: "%.3f", duration)) s)")
        XCTAssertGreaterThanOrEqual(finished, 4)

        // The next writer repairs any torn tail and leaves only whole lines.
        let after = store.put(eventJSON(id: "after-the-crashes", start: at(12, 0)))
        XCTAssertEqual(after.status, 0, after.err)
        _ = try assertStoreIsClean(store.directory)
        let loaded = try store.load()
        XCTAssertEqual(reported.filter { loaded.record(id: $0) == nil }.count, 0)
        XCTAssertNotNil(loaded.record(id: "after-the-crashes"))
    }

    /// Kills each writer the moment the log changes size: in the middle of its one large write
    /// (leaving a torn line), or just after the next writer cut the previous torn line off.
    func testWritersKilledInTheMiddleOfTheirWrite() throws {
        let binary = try TychoBinary.path()
        let store = try WriteFixture()
        let scratch = store.directory + "-scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        XCTAssertEqual(store.put(eventJSON(id: "before", start: at(9, 0))).status, 0)

        var tornTails = 0, partial = 0
        for round in 0..<6 {
            let input = scratch + "/round-\(round).jsonl"
            let ids = try batchFile(input, prefix: "big\(round)", count: 8, size: 400_000)
            let baseline = store.logBytes().count
            let process = try Processes.start(binary, ["put", "--data", store.directory, input],
                                              standardOutput: scratch + "/round-\(round).out", standardError: scratch + "/round-\(round).err")
            var status = stat()
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning, Date() < deadline {
                if stat(store.logPath, &status) == 0, Int(status.st_size) != baseline { break }
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let printed = reportedIDs(scratch + "/round-\(round).out")
            XCTAssertTrue(printed.isEmpty || printed == ids, "round \(round): a put printed part of its batch")
            let bytes = store.logBytes()
            if let last = bytes.last, last != UInt8(ascii: "\n") { tornTails += 1 }
            try assertReadable(store, "after round \(round)")
            let loaded = try store.load()
            XCTAssertNotNil(loaded.record(id: "before"))
            let present = ids.filter { loaded.record(id: $0) != nil }
            if !present.isEmpty && present.count < ids.count { partial += 1 }
            XCTAssertTrue(printed.allSatisfy { loaded.record(id: $0) != nil }, "round \(round): a reported event is missing")
        }
        print("crash mid-write: \(tornTails) of 6 writers left a torn line, \(partial) left part of their batch")
        XCTAssertEqual(store.put(eventJSON(id: "after", start: at(12, 0))).status, 0)
        _ = try assertStoreIsClean(store.directory)
    }

    /// Single-event puts, several at once, some killed (perhaps holding the lock, perhaps waiting
    /// for it): a put that exited 0 is there; nobody is left waiting on a dead writer's lock.
    func testSinglePutsKilledWhileOthersWrite() throws {
        let binary = try TychoBinary.path()
        let store = try WriteFixture()
        let scratch = store.directory + "-scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        var succeeded: Set<String> = [], killedCount = 0
        for round in 0..<10 {
            var processes: [(String, Process)] = []
            for k in 0..<4 {
                let id = "single-\(round)-\(k)"
                let input = scratch + "/\(id).json"
                try eventJSON(id: id, start: at(10, 0), description: String(repeating: "x", count: 20_000)).write(toFile: input, atomically: true, encoding: .utf8)
                processes.append((id, try Processes.start(binary, ["put", "--data", store.directory, input],
                                                          standardOutput: scratch + "/\(id).out", standardError: scratch + "/\(id).err")))
            }
            // Kill two of the four at random moments.
            for (_, process) in processes.shuffled().prefix(2) {
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.15))
                kill(process.processIdentifier, SIGKILL)
            }
            for (id, process) in processes {
                process.waitUntilExit()
                if process.terminationReason == .exit {
                    XCTAssertEqual(process.terminationStatus, 0, "\(id) failed on its own")
                    if process.terminationStatus == 0 {
                        succeeded.insert(id)
                        XCTAssertEqual(reportedIDs(scratch + "/\(id).out"), [id])
                    }
                } else {
                    killedCount += 1
                }
            }
            try assertReadable(store, "after round \(round)")
            let loaded = try store.load()
            XCTAssertEqual(succeeded.filter { loaded.record(id: $0) == nil }, [], "round \(round): a put that exited 0 is missing")
        }
        print("crash: \(killedCount) of 40 single puts killed, \(succeeded.count) succeeded")
        XCTAssertEqual(store.put(eventJSON(id: "last", start: at(12, 0))).status, 0)
        _ = try assertStoreIsClean(store.directory)
    }
}
