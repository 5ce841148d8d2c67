import Foundation
import Testing
import TychoCLI

/// Runs `tycho` in-process through `CommandLineTool.run`, on a temporary data directory.
final class CommandLineFixture {
    let directory: String

    /// A commit → build → two deploys → host runs, plus a standalone flag (updated once), an
    /// orphan whose parent was never written, and a wrapper line in a second file.
    static let standardFiles: [String: String] = [
        "2026-11-30.jsonl": """
            {"id": "commit-1", "source_id": "abc123", "start_time": "2026-11-30T10:00:00Z", "description": "Fix rounding", "detail_urls": {"commit": "https://git.example.com/c/abc123"}, "tags": {"source": ["github"], "author": ["alice@example.com"]}}
            {"id": "build-1", "parent_id": "commit-1", "source_id": "checkout#1", "start_time": "2026-11-30T10:05:00Z", "end_time": "2026-11-30T10:15:00.5Z", "description": "build checkout #1", "tags": {"source": ["jenkins"], "service": ["checkout"], "status": ["success"]}}
            {"id": "deploy-staging-1", "parent_id": "build-1", "start_time": "2026-11-30T10:20:00Z", "end_time": "2026-11-30T10:30:00Z", "description": "deploy checkout to staging", "tags": {"source": ["spinnaker"], "service": ["checkout"], "environment": ["staging"], "status": ["success"]}}
            {"id": "chef-h1", "parent_id": "deploy-prod-1", "start_time": "2026-11-30 11:41:00+01:00", "end_time": "2026-11-30T10:45:00Z", "description": "chef on h1", "tags": {"source": ["chef"], "host": ["h1"], "status": ["success"]}}
            {"id": "chef-h2", "parent_id": "deploy-prod-1", "start_time": "2026-11-30T10:42:00Z", "end_time": "2026-11-30T10:49:00Z", "description": "chef on h2", "tags": {"source": ["chef"], "host": ["h2"], "status": ["fail"]}}
            {"id": "deploy-prod-1", "parent_id": "build-1", "start_time": "2026-11-30T10:40:00Z", "end_time": "2026-11-30T10:50:00Z", "description": "deploy checkout to production", "tags": {"source": ["spinnaker"], "service": ["checkout"], "environment": ["production"], "status": ["fail"]}}
            {"id": "orphan", "parent_id": "missing-parent", "start_time": "2026-11-30T09:00:00Z", "description": "parent never written", "tags": {"source": ["chef"]}}
            {"id": "flag-1", "start_time": "2026-11-30T12:00:00Z", "description": "dark-mode 5%", "tags": {"source": ["launchdarkly"], "status": ["running"]}}

            """,
        "2026-12-01.jsonl": """
            {"event": {"id": "wrapped", "start_time": "2026-12-01T08:00:00Z", "description": "from the wrapper form", "tags": {"source": ["consul"]}}}
            {"id": "flag-1", "start_time": "2026-11-30T12:00:00Z", "end_time": "2026-11-30T12:00:01Z", "description": "dark-mode 50%", "tags": {"source": ["launchdarkly"], "status": ["success"]}}

            """,
    ]

    init(_ files: [String: String] = standardFiles) throws {
        directory = FileManager.default.temporaryDirectory.path + "/tycho-cli-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// `tycho ARGUMENTS` with `--data` appended (unless `data` is false).
    func run(_ arguments: [String], data: Bool = true, environment: [String: String] = [:]) -> CommandRun {
        CommandRun(arguments + (data ? ["--data", directory] : []), environment: environment)
    }
}

/// One in-process run of `tycho`.
struct CommandRun {
    let outcome: Outcome
    let out: String
    let err: String

    init(_ arguments: [String], environment: [String: String] = [:]) {
        var out = "", err = ""
        outcome = CommandLineTool.run(arguments, environment: environment, out: &out, err: &err)
        self.out = out
        self.err = err
    }

    /// The exit status, or nil when the browser would open.
    var status: Int32? {
        if case .finished(let status) = outcome { return status }
        return nil
    }

    /// The data directory the browser would open on, or nil when a command ran instead.
    var browseDirectory: String? {
        if case .browse(let options) = outcome { return options.dataDirectory }
        return nil
    }

    /// Standard output parsed as JSON.
    func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(out.utf8))
        } catch {
            Issue.record("stdout is not JSON: \(out.prefix(400))\nstderr: \(err)", sourceLocation: sourceLocation)
            throw error
        }
    }
}

/// Checks that `value` is one event in Tycho's output shape and returns it.
@discardableResult
func tychoEvent(_ value: Any?, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let event = try #require(value as? [String: Any], "not an object: \(String(describing: value))", sourceLocation: sourceLocation)
    #expect(Set(event.keys) == ["id", "parent_id", "source_id", "start_time", "end_time", "description", "detail_urls", "tags"],
            sourceLocation: sourceLocation)
    for key in ["id", "parent_id", "source_id", "description"] {
        #expect(event[key] is String, "\(key) is a string", sourceLocation: sourceLocation)
    }
    for key in ["start_time", "end_time"] {
        let time = try #require(event[key] as? String, sourceLocation: sourceLocation)
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00/) != nil, "\(key) \(time)",
                sourceLocation: sourceLocation)
    }
    #expect(event["detail_urls"] is [String: String], sourceLocation: sourceLocation)
    #expect(event["tags"] is [String: [String]], sourceLocation: sourceLocation)
    return event
}

/// The `id` of each event in a JSON list.
func ids(_ value: Any) throws -> [String] {
    let list = try #require(value as? [Any])
    return try list.map { try #require(tychoEvent($0)["id"] as? String) }
}

/// A parsed `{"event": ..., "children": [...]}` tree as `id(child,child(...))`.
func treeShape(_ value: Any) throws -> String {
    let node = try #require(value as? [String: Any])
    #expect(Set(node.keys) == ["event", "children"])
    let id = try #require(tychoEvent(node["event"])["id"] as? String)
    let children = try #require(node["children"] as? [Any])
    return children.isEmpty ? id : id + "(" + (try children.map(treeShape).joined(separator: ",")) + ")"
}
