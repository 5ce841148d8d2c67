import Foundation
import TychoModel
import XCTest

/// Many `tycho put` processes writing into one store at once: every event lands exactly once,
/// whole, and the store checks clean.
///
/// The processes are driven by a shell script (one background loop per writer), so the test
/// measures `tycho put` and not process spawning from Swift. The size is the issue's: 8 writers ×
/// 500 puts. `TYCHO_WRITERS` and `TYCHO_WRITES` change it (`TYCHO_WRITERS=1 TYCHO_WRITES=4000`
/// measures one writer); `TYCHO_BIN` picks the binary (a release build is much faster).
final class ConcurrentWriteTests: XCTestCase {
    static let script = #"""
    #!/bin/bash
    # usage: concurrent-puts.sh BIN DIR WRITERS WRITES OUTDIR
    bin=$1 dir=$2 writers=$3 writes=$4 out=$5
    for w in $(seq 1 "$writers"); do
      (
        for i in $(seq 1 "$writes"); do
          if ! "$bin" put --data "$dir" - \
              <<<"{\"id\": \"w$w-$i\", \"start_time\": \"2024-05-01T10:00:00Z\", \"description\": \"writer $w write $i\", \"tags\": {\"writer\": [\"w$w\"]}}" \
              >>"$out/w$w.out" 2>>"$out/w$w.err"; then
            echo "w$w-$i failed with status $?" >>"$out/failures"
          fi
        done
      ) &
    done
    wait
    """#

    func environmentNumber(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? value
    }

    func testEightProcessesTimesFiveHundredPutsLandExactlyOnce() throws {
        let binary = try TychoBinary.path()
        let writers = environmentNumber("TYCHO_WRITERS", default: 8)
        let writes = environmentNumber("TYCHO_WRITES", default: 500)
        let store = try WriteFixture()
        let scratch = store.directory + "-scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try Self.script.write(toFile: scratch + "/concurrent-puts.sh", atomically: true, encoding: .utf8)

        let started = Date()
        let run = try Processes.run("/bin/bash", [scratch + "/concurrent-puts.sh", binary, store.directory, "\(writers)", "\(writes)", scratch])
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(run.status, 0, run.standardError)
        let total = writers * writes
        print("concurrent puts: \(writers) writers × \(writes) puts = \(total) in \(String(format: "%.1f", seconds)) s, "
              + "\(String(format: "%.1f", Double(total) / seconds)) writes/s (\(binary))")

        // Every put reported success and printed its own event.
        let failures = (try? String(contentsOfFile: scratch + "/failures", encoding: .utf8)) ?? ""
        XCTAssertEqual(failures, "", "some puts failed")
        for w in 1...writers {
            let printed = (try? String(contentsOfFile: scratch + "/w\(w).out", encoding: .utf8)) ?? ""
            let ids = printed.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
            }
            XCTAssertEqual(ids, (1...writes).map { "w\(w)-\($0)" }, "writer \(w) did not print each of its events once, in order")
            let errors = (try? String(contentsOfFile: scratch + "/w\(w).err", encoding: .utf8)) ?? ""
            XCTAssertEqual(errors, "", "writer \(w)")
        }

        // The log: one whole line per put, each parsing, each id once; each writer's in its order.
        let objects = try assertStoreIsClean(store.directory)
        XCTAssertEqual(objects.count, total, "the log has \(objects.count) lines for \(total) puts")
        let ids = objects.compactMap { $0["id"] as? String }
        XCTAssertEqual(ids.count, total)
        XCTAssertEqual(Set(ids).count, ids.count, "an event was written twice")
        var expected: Set<String> = []
        for w in 1...writers { for i in 1...writes { expected.insert("w\(w)-\(i)") } }
        XCTAssertEqual(Set(ids), expected)
        for w in 1...writers {
            let own = ids.filter { $0.hasPrefix("w\(w)-") }
            XCTAssertEqual(own, (1...writes).map { "w\(w)-\($0)" }, "writer \(w)'s lines are out of order")
        }
        for object in objects {
            let id = object["id"] as? String ?? ""
            let parts = id.dropFirst().split(separator: "-")
            XCTAssertEqual(object["description"] as? String, "writer \(parts.first ?? "") write \(parts.last ?? "")", "line of \(id) is mixed up")
        }
        // And the store reads them all, once.
        let loaded = try store.load()
        XCTAssertEqual(loaded.count, total)
        XCTAssertEqual(loaded.problems.count, 0)
    }
}
