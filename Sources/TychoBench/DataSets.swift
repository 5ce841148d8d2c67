import Foundation

/// The data the bench reads, kept in a cache directory and made when missing.
struct DataSets {
    let cache: String
    /// The shared directory holding `bench/gen_events.py`.
    let shared: String

    /// The directory of the generated set with `events` lines, generating it first if needed.
    func events(_ events: Int) throws -> String {
        let directory = cache + "/events-\(events)"
        if !hasData(directory) {
            let generator = shared + "/bench/gen_events.py"
            guard FileManager.default.fileExists(atPath: generator) else {
                throw BenchError("no generator at \(generator); pass --shared DIR (the directory holding bench/gen_events.py)")
            }
            log("generating \(events) events into \(directory)")
            let python = try which("python3")
            _ = try Measure.run([python, generator, "--events", String(events), "--out", directory])
        }
        return directory
    }

    /// A set where one root has 400 children with 499 children each: 200,000 descendants.
    /// Returns the directory and the id of a grandchild (whose tree is the whole set).
    func deepTree() throws -> (directory: String, leaf: String) {
        let directory = cache + "/tree-200000"
        let leaf = "tree-child-0007-grandchild-0005"
        if !hasData(directory) {
            log("writing the 200,000-descendant tree into \(directory)")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var text = ""
            let base = 1_798_761_600  // 2027-01-01T00:00:00Z
            func line(id: String, parent: String?, second: Int) {
                let parentField = parent.map { "\"parent_id\": \"\($0)\", " } ?? ""
                let time = Date(timeIntervalSince1970: TimeInterval(base + second)).ISO8601Format()
                text += "{\"id\": \"\(id)\", \(parentField)\"start_time\": \"\(time)\", \"end_time\": \"\(time)\", "
                text += "\"description\": \"synthetic tree node \(id)\", \"tags\": {\"type\": [\"tree\"]}}\n"
            }
            line(id: "tree-root", parent: nil, second: 0)
            for child in 0..<400 {
                let childID = "tree-child-" + pad(child)
                line(id: childID, parent: "tree-root", second: 1 + child)
                for grandchild in 0..<499 {
                    line(id: childID + "-grandchild-" + pad(grandchild), parent: childID, second: 1000 + child * 499 + grandchild)
                }
            }
            try text.write(toFile: directory + "/tree.jsonl", atomically: true, encoding: .utf8)
        }
        return (directory, leaf)
    }

    /// The data files of `directory`, in name order.
    func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }.sorted().map { directory + "/" + $0 }
    }

    private func hasData(_ directory: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).contains { $0.hasSuffix(".jsonl") }
    }

    private func pad(_ number: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}

/// The full path of a program on `PATH`.
func which(_ program: String) throws -> String {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(directory)/\(program)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    throw BenchError("\(program) not found on PATH")
}

/// Progress, on standard error (the table goes to standard output).
func log(_ message: String) {
    FileHandle.standardError.write(Data(("tycho-bench: " + message + "\n").utf8))
}
