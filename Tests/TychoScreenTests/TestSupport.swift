import Foundation
import TychoModel
import TychoScreen
import XCTest

/// Writes JSON lines into a fresh temporary data directory and loads them.
func makeStore(_ lines: [String], file: String = "events.jsonl") throws -> EventStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tycho-screen-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
    return try EventLoader.load(directory: directory.path)
}

/// One event line with the fields screen tests care about.
func line(_ id: String, parent: String = "", start: String, end: String? = nil, description: String = "",
          tags: [String: String] = [:]) -> String {
    var object: [String: Any] = ["id": id, "start_time": start, "end_time": end ?? start, "description": description]
    if !parent.isEmpty { object["parent_id"] = parent }
    object["tags"] = tags.mapValues { [$0] }
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// A release: a commit, its build, two deploys (one failed) and host work under the first.
func releaseLines() -> [String] {
    [
        line("commit-1", start: "2026-12-01T10:00:00Z", description: "Fix cache eviction", tags: ["source": "github", "type": "commit", "status": "success"]),
        line("build-1", parent: "commit-1", start: "2026-12-01T10:05:00Z", end: "2026-12-01T10:09:00Z", description: "Build svc-a #12",
             tags: ["source": "jenkins", "type": "build", "service": "svc-a", "status": "success"]),
        line("deploy-staging", parent: "build-1", start: "2026-12-01T10:15:00Z", end: "2026-12-01T10:20:00Z", description: "Deploy svc-a to staging",
             tags: ["source": "spinnaker", "type": "deploy", "service": "svc-a", "environment": "staging", "status": "success"]),
        line("host-1", parent: "deploy-staging", start: "2026-12-01T10:16:00Z", description: "chef run on staging-host-1",
             tags: ["source": "chef", "type": "host-work", "environment": "staging", "status": "success"]),
        line("deploy-prod", parent: "build-1", start: "2026-12-01T10:30:00Z", end: "2026-12-01T10:45:00Z", description: "Deploy svc-a to prod",
             tags: ["source": "spinnaker", "type": "deploy", "service": "svc-a", "environment": "prod", "status": "fail"]),
        line("flag-1", start: "2026-12-01T11:00:00Z", description: "Feature flag checkout-v2 on",
             tags: ["source": "launchdarkly", "type": "feature-flag", "environment": "prod", "status": "success"]),
    ]
}

let fixedNow: Int64 = 1_764_590_400_000  // 2025-12-01T12:00:00Z: a fixed clock for relative times

func makeState(_ store: EventStore, width: Int = 80, height: Int = 24) -> AppState {
    AppState(store: store, dataDirectory: "data", now: fixedNow, width: width, height: height)
}

extension AppState {
    mutating func apply(_ actions: [Action]) {
        for action in actions { apply(action) }
    }

    mutating func type(_ text: String) {
        for character in text { apply(.filterInsert(String(character))) }
    }
}

/// Compares screen text line by line and shows both on failure.
func assertScreen(_ canvas: Canvas, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    let actual = canvas.text
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
    var actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
    while actualLines.count > expectedLines.count, actualLines.last == "" { actualLines.removeLast() }
    if actualLines != expectedLines {
        var report = "screen differs:\n"
        for k in 0..<max(actualLines.count, expectedLines.count) {
            let a = k < actualLines.count ? actualLines[k] : "<none>"
            let e = k < expectedLines.count ? expectedLines[k] : "<none>"
            report += (a == e ? "  " : "✗ ") + "\(k): \(a)\n" + (a == e ? "" : "   want: \(e)\n")
        }
        XCTFail(report, file: file, line: line)
    }
}

/// The rows of the screen as strings.
func rows(_ canvas: Canvas) -> [String] { (0..<canvas.height).map(canvas.rowText) }
