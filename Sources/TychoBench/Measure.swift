import Foundation
import TychoModel

/// Wall-clock timing, subprocesses and peak memory: what every figure of the bench is made of.
enum Measure {
    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// How long `body` takes, in seconds.
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = now()
        try body()
        return now() - start
    }

    /// Runs `arguments` with its output thrown away and returns how long it took, from spawn
    /// to exit. Fails when the program exits with a status other than `allowedStatuses`.
    /// Spawned and reaped directly: Foundation's `Process` added about 50 ms to every run,
    /// which was most of what `cat` of the 100k set appeared to cost.
    static func run(_ arguments: [String], allowedStatuses: Set<Int32> = [0]) throws -> Double {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = now()
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let elapsed = now() - start
        // WIFEXITED / WEXITSTATUS, which do not import.
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : -1
        guard allowedStatuses.contains(exitStatus) else {
            throw BenchError("\(arguments.joined(separator: " ")) exited with status \(exitStatus) (wait status \(status))")
        }
        return elapsed
    }

    /// Runs `arguments` and returns what it printed on standard output.
    static func output(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("\(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The peak resident memory of `arguments`, in MB, as `/usr/bin/time -v` reports it.
    static func peakMemory(_ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-v"] + arguments
        let pipe = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = pipe
        try process.run()
        let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let prefix = "Maximum resident set size (kbytes):"
        guard let line = report.split(separator: "\n").first(where: { $0.contains(prefix) }),
              let kilobytes = Double(line.replacingOccurrences(of: prefix, with: "").trimmingCharacters(in: .whitespaces)) else {
            throw BenchError("/usr/bin/time -v gave no peak memory (is GNU time installed?)")
        }
        return kilobytes / 1024
    }

    /// This process's resident memory now, in MB.
    static func residentMemory() -> Double {
        ProcessMemory.residentKilobytes().map { Double($0) / 1024 } ?? .nan
    }
}

/// Repeated timings of one figure, summarised as the median with the range.
struct Samples {
    var values: [Double] = []

    init(_ values: [Double] = []) { self.values = values }

    /// Runs `body` `count` times, collecting what it returns.
    static func collect(_ count: Int, _ body: () throws -> Double) rethrows -> Samples {
        var samples = Samples()
        for _ in 0..<count { samples.values.append(try body()) }
        return samples
    }

    var median: Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var minimum: Double { values.min() ?? .nan }
    var maximum: Double { values.max() ?? .nan }
}

/// A reason the bench cannot go on.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
