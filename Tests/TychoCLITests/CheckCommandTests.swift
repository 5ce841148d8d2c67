import Foundation
import Testing
import TychoCLI

/// `tycho check`: every bad line as `file:line: reason`, then a summary; exit 0 with none, 1
/// otherwise. Also run on the example data shipped in the repository.
@Suite struct CheckCommandTests {
    @Test func cleanDataExitsZero() throws {
        let data = try CommandLineFixture()
        let run = data.run(["check"])
        #expect(run.status == 0)
        #expect(run.out.split(separator: "\n").count == 1)
        #expect(run.out.hasPrefix("ok: 9 events in 2 files"), "\(run.out)")
    }

    @Test func oneOfAnythingIsSingular() throws {
        let clean = try CommandLineFixture(["only.jsonl": #"{"id": "one", "start_time": "2020-01-01T00:00:00Z"}"# + "\n"])
        #expect(clean.run(["check"]).out == "ok: 1 event in 1 file, no bad lines\n")
        let bad = try CommandLineFixture(["only.jsonl": #"{"id": "one", "start_time": "2020-01-01T00:00:00Z"}"# + "\n{\n"])
        #expect(bad.run(["check"]).out.hasSuffix("\n1 bad line in 1 file; 1 event loaded from 1 file\n"))
        #expect(bad.run(["query"]).err.contains("warning: 1 line could not be read and was skipped"))
    }

    @Test func aFileNameReachesTheTerminalVisiblyEscaped() throws {
        let data = try CommandLineFixture(["evil\u{1B}[31mred.jsonl": "not json\n"])
        let run = data.run(["check"])
        #expect(run.out.hasPrefix(#"evil\x1B[31mred.jsonl:1: expected a JSON object, found 'not' (no JSON value)"#), "\(run.out)")
        #expect(!run.out.unicodeScalars.contains("\u{1B}"))
    }

    @Test func aCutOffLastLineIsSaidButNotCounted() throws {
        // The browser waits for such a line and the next writer cuts a killed writer's off, so
        // it is no bad line; but a cut-off file looks the same, so check says so.
        let data = try CommandLineFixture(["cut.jsonl": #"{"id": "a", "start_time": "2020-01-01T00:00:00Z"}"# + "\n" + #"{"id": "trunc", "start_ti"#])
        let run = data.run(["check"])
        #expect(run.status == 0)
        #expect(run.out == "ok: 1 event in 1 file, no bad lines\n")
        #expect(run.err == "tycho check: warning: cut.jsonl:2: the last line has no newline and does not parse (a write still going on, or a cut-off file); not counted\n")
        // A last line without its newline that parses is an event like any other.
        let whole = try CommandLineFixture(["whole.jsonl": #"{"id": "a", "start_time": "2020-01-01T00:00:00Z"}"#])
        #expect(whole.run(["check"]).err == "")
    }

    @Test func badLinesAreListedThenSummarised() throws {
        var files = CommandLineFixture.standardFiles
        files["sub/bad.jsonl"] = """
            {"id": "fine", "start_time": "2020-01-01T00:00:00Z"}
            {"id": "cut", "start_ti

            {"id": "when", "start_time": "2020-02-30T00:00:00Z"}
            {"id": "tags", "start_time": "2020-01-01T00:00:00Z", "tags": ["a:b"]}
            {"id": "no-time"}

            """
        files["a.jsonl"] = "[1, 2]\n"
        let data = try CommandLineFixture(files)
        let run = data.run(["check"])
        #expect(run.status == 1)
        let lines = run.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        let locations = lines.dropLast().map { line in line.split(separator: ":", maxSplits: 2).prefix(2).joined(separator: ":") }
        #expect(locations == ["a.jsonl:1", "sub/bad.jsonl:2", "sub/bad.jsonl:4", "sub/bad.jsonl:5", "sub/bad.jsonl:6"])
        for line in lines.dropLast() {
            #expect(line.wholeMatch(of: /[^:]+\.jsonl:\d+: .+/) != nil, "\(line)")
        }
        #expect(lines[2].contains("start_time"), "\(lines[2])")
        #expect(lines[3].contains("tags"), "\(lines[3])")
        #expect(lines.last?.hasPrefix("5 bad lines in 2 files; 10 events loaded") == true, "\(lines.last ?? "")")
    }

    @Test func missingDataDirectoryIsAnError() {
        let run = CommandRun(["check", "--data", "/nonexistent/tycho-cli-tests"])
        #expect(run.status != 0)
        #expect(run.status != nil)
        #expect(run.err.contains("/nonexistent/tycho-cli-tests"), "\(run.err)")
    }

    // MARK: - The shipped example data

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func exampleDataHasExactlyTheThreeDocumentedBadLines() throws {
        let examples = Self.repository.appendingPathComponent("examples/events").path
        let run = CommandRun(["check", "--data", examples])
        #expect(run.status == 1)
        let bad = run.out.split(separator: "\n").dropLast().map { $0.split(separator: ":", maxSplits: 2).prefix(2).joined(separator: ":") }
        #expect(bad.count == 3, "\(run.out)")
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("examples/README.md"), encoding: .utf8)
        for location in bad {
            #expect(readme.contains("`\(location)`"), "examples/README.md names \(location)")
        }
        let summary = String(run.out.split(separator: "\n").last ?? "")
        let loaded = try #require(summary.firstMatch(of: /(\d+) events loaded/)?.1).description
        #expect((800...1500).contains(Int(loaded) ?? 0), "\(summary)")
    }

    @Test func exampleAptHostDataLoadsCleanWithItsTrees() throws {
        let apt = Self.repository.appendingPathComponent("examples/events/apt-host").path
        let check = CommandRun(["check", "--data", apt])
        #expect(check.status == 0, "\(check.out)")
        #expect(check.out.hasPrefix("ok: 672 events"), "\(check.out)")
        // What did source:apt change, and what was its parent?
        let query = CommandRun(["query", "--data", apt, "--tag", "source:apt", "--count", "1"])
        let newest = try tychoEvent(((try query.json() as? [String: Any])?["result"] as? [Any])?.first)
        let id = try #require(newest["id"] as? String)
        let trace = try ids(CommandRun(["trace", id, "--data", apt]).json())
        #expect(trace.count == 2)
        #expect(trace.last?.hasPrefix("image-build-") == true, "\(trace)")
        let children = try #require(try CommandRun(["children", id, "--data", apt]).json() as? [[String: Any]])
        #expect(!children.isEmpty)
        #expect(children.allSatisfy { ($0["tags"] as? [String: [String]])?["source"] == ["dpkg"] })
    }
}
