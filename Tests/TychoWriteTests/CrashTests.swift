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
    /// in the middle of it), written to a file. Plain ASCII, built directly: the test process
    /// is a debug build, and this runs for thousands of events.
    func batchFile(_ path: String, prefix: String, count: Int, size: Int) throws -> [String] {
        let filler = String(repeating: "0123456789abcdef", count: size / 16)
        let ids = (0..<count).map { "\(prefix)-\($0)" }
        var text = ""
        text.reserveCapacity(count * (size + 120))
        for id in ids {
            text += "{\"id\": \"\(id)\", \"start_time\": \"2024-05-01T10:00:00Z\", \"description\": \"\(id) \(filler)\", \"tags\": {\"batch\": [\"\(prefix)\"]}}\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return ids
    }

    /// The id of each whole event line (`{"id": "X", ... }}`) in `bytes`; ids here are plain ASCII.
    static func lineIDs(_ bytes: [UInt8]) -> [String] {
        let prefix = Array("{\"id\": \"".utf8)
        var ids: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                guard let found = memchr(buffer.baseAddress! + start, Int32(UInt8(ascii: "\n")), buffer.count - start) else { break }
                let end = start + UnsafeRawPointer(buffer.baseAddress! + start).distance(to: UnsafeRawPointer(found))
                if end - start > prefix.count + 2, buffer[end - 1] == UInt8(ascii: "}"), buffer[end - 2] == UInt8(ascii: "}"),
                   (0..<prefix.count).allSatisfy({ buffer[start + $0] == prefix[$0] }) {
                    var close = start + prefix.count
                    while close < end, buffer[close] != UInt8(ascii: "\"") { close += 1 }
                    ids.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[(start + prefix.count)..<close]), as: UTF8.self))
                }
                start = end + 1
            }
        }
        return ids
    }

    /// The ids a killed or finished put printed (it prints only after its fsync, all or nothing).
    func reportedIDs(_ path: String) -> [String] {
        Self.lineIDs(FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? [])
    }

    /// The ids on the whole lines of a log, read incrementally: whole lines are never changed,
    /// only appended (a repair cuts a torn last line, which was never read as whole).
    final class LogScan {
        let path: String
        private(set) var ids: Set<String> = []
        private var wholeUpTo: UInt64 = 0

        init(_ path: String) { self.path = path }

        func update() throws {
            guard let handle = FileHandle(forReadingAtPath: path) else { return }
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            XCTAssertGreaterThanOrEqual(size, wholeUpTo, "whole lines of the log were cut")
            try handle.seek(toOffset: wholeUpTo)
            let bytes = [UInt8](try handle.readToEnd() ?? Data())
            guard let last = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return }
            ids.formUnion(CrashTests.lineIDs(Array(bytes[...last])))
            wholeUpTo += UInt64(last + 1)
        }
    }

    /// While a torn last line may be left: `tycho check` passes (every whole line reads, the
    /// torn one is not yet written). Returns the ids on the log's whole lines.
    func assertReadable(_ store: WriteFixture, _ scan: LogScan, _ context: String, file: StaticString = #filePath, line: UInt = #line) throws -> Set<String> {
        let check = try Processes.run(try TychoBinary.path(), ["check", "--data", store.directory])
        XCTAssertEqual(check.status, 0, "\(context): tycho check: \(check.standardOutput)\(check.standardError)", file: file, line: line)
        try scan.update()
        return scan.ids
    }

    func testBatchWritersKilledAtRandomMoments() throws {
        let binary = try TychoBinary.path()
        let store = try WriteFixture()
        let scan = LogScan(store.logPath)
        let scratch = store.directory + "-scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        // A batch large enough that a put of it takes a fifth of a second or more, so kills land
        // all through it: startup, waiting for the lock, reading the store, writing (a release
        // build needs a much larger batch than a debug one).
        var reported: Set<String> = []
        var batchSize = 100, duration = 0.0
        while true {
            let ids = try batchFile(scratch + "/calibration.jsonl", prefix: "calibration\(batchSize)", count: batchSize, size: 1024)
            let started = Date()
            let run = try Processes.run(binary, ["put", "--data", store.directory, scratch + "/calibration.jsonl"])
            duration = Date().timeIntervalSince(started)
            XCTAssertEqual(run.status, 0, run.standardError)
            reported.formUnion(ids)
            if duration >= 0.2 || batchSize >= 1600 { break }
            batchSize *= 4
        }

        var killed = 0, finished = 0, tornTails = 0
        for round in 0..<12 {
            let input = scratch + "/round-\(round).jsonl"
            let ids = try batchFile(input, prefix: "round\(round)", count: batchSize, size: 1024)
            let started = Date()
            let process = try Processes.start(binary, ["put", "--data", store.directory, input],
                                              standardOutput: scratch + "/round-\(round).out", standardError: scratch + "/round-\(round).err")
            // Every fourth round runs to the end, to measure how long a batch takes now.
            let delay = round % 4 == 3 ? nil : Double.random(in: 0...(duration * 1.2))
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

            let present = try assertReadable(store, scan, "after round \(round) (killed after \(delay.map { String(format: "%.3f", $0) } ?? "-") s)")
            let missing = reported.subtracting(present)
            XCTAssertEqual(missing.count, 0, "round \(round): \(missing.count) reported events are missing, e.g. \(missing.sorted().prefix(3))")
        }
        print("crash at random moments: \(killed) puts of \(batchSize) events killed, \(finished) finished, \(tornTails) torn tails (a batch takes \(String(format: "%.3f", duration)) s)")
        XCTAssertGreaterThanOrEqual(finished, 3)
        XCTAssertGreaterThanOrEqual(killed, 2, "the kills all came too late to test anything")

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
        let scan = LogScan(store.logPath)
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
            let whole = try assertReadable(store, scan, "after round \(round)")
            XCTAssertTrue(whole.contains("before"))
            let present = ids.filter { whole.contains($0) }
            if !present.isEmpty && present.count < ids.count { partial += 1 }
            XCTAssertTrue(printed.allSatisfy { whole.contains($0) }, "round \(round): a reported event is missing")
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
        let scan = LogScan(store.logPath)
        let scratch = store.directory + "-scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        // How long one put takes here: the kills are spread over a little more than that.
        let probe = scratch + "/probe.json"
        try eventJSON(id: "probe", start: at(10, 0)).write(toFile: probe, atomically: true, encoding: .utf8)
        let started = Date()
        XCTAssertEqual(try Processes.run(binary, ["put", "--data", store.directory, probe]).status, 0)
        let duration = Date().timeIntervalSince(started)

        var succeeded: Set<String> = ["probe"], killedCount = 0
        for round in 0..<10 {
            var processes: [(String, Process)] = []
            let roundStart = Date()
            for k in 0..<4 {
                let id = "single-\(round)-\(k)"
                let input = scratch + "/\(id).json"
                try eventJSON(id: id, start: at(10, 0), description: String(repeating: "x", count: 20_000)).write(toFile: input, atomically: true, encoding: .utf8)
                processes.append((id, try Processes.start(binary, ["put", "--data", store.directory, input],
                                                          standardOutput: scratch + "/\(id).out", standardError: scratch + "/\(id).err")))
            }
            // Kill two of the four, each at a random moment after the round started.
            let victims = processes.shuffled().prefix(2).map { ($0.1, Double.random(in: 0...(duration * 1.5))) }.sorted { $0.1 < $1.1 }
            for (process, moment) in victims {
                let wait = moment - Date().timeIntervalSince(roundStart)
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
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
            let present = try assertReadable(store, scan, "after round \(round)")
            XCTAssertEqual(succeeded.subtracting(present), [], "round \(round): a put that exited 0 is missing")
        }
        print("crash: \(killedCount) of 40 single puts killed, \(succeeded.count - 1) succeeded (one put takes \(String(format: "%.3f", duration)) s)")
        XCTAssertGreaterThanOrEqual(killedCount, 1, "the kills all came too late to test anything")
        XCTAssertEqual(store.put(eventJSON(id: "last", start: at(12, 0))).status, 0)
        _ = try assertStoreIsClean(store.directory)
        let loaded = try store.load()
        XCTAssertEqual(succeeded.filter { loaded.record(id: $0) == nil }, [])
    }
}
