import Foundation

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
    static func run(_ arguments: [String], allowedStatuses: Set<Int32> = [0]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = now()
        try process.run()
        process.waitUntilExit()
        let elapsed = now() - start
        guard allowedStatuses.contains(process.terminationStatus) else {
            throw BenchError("\(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)")
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
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return .nan }
        let kilobytes = Double(line.dropFirst("VmRSS:".count).trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) ?? .nan
        return kilobytes / 1024
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
