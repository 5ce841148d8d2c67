import Testing
import TychoCLI

/// `tycho query`: `{"result": [EVENT, ...], "count": N}`, tags ANDed, the time overlap rule,
/// paging, and usage errors for bad arguments.
@Suite struct QueryCommandTests {
    @Test func printsResultAndCountInTychosShape() throws {
        let data = try CommandLineFixture()
        let run = data.run(["query"])
        #expect(run.status == 0)
        let object = try #require(try run.json() as? [String: Any])
        #expect(Set(object.keys) == ["result", "count"])
        let found = try ids(try #require(object["result"]))
        #expect(found == ["wrapped", "flag-1", "chef-h2", "chef-h1", "deploy-prod-1", "deploy-staging-1", "build-1",
                          "commit-1", "orphan"])
        #expect(object["count"] as? Int == found.count)
        #expect(run.out.hasSuffix("}\n"))
    }

    @Test func eventFieldsAreTychosOutputForm() throws {
        let data = try CommandLineFixture()
        let run = data.run(["query", "--tag", "source:jenkins"])
        let result = try #require((try run.json() as? [String: Any])?["result"] as? [Any])
        let build = try tychoEvent(result.first)
        #expect(build["id"] as? String == "build-1")
        #expect(build["parent_id"] as? String == "commit-1")
        #expect(build["source_id"] as? String == "checkout#1")
        #expect(build["start_time"] as? String == "2026-11-30T10:05:00+00:00")
        #expect(build["end_time"] as? String == "2026-11-30T10:15:00.500000+00:00")
        #expect(build["tags"] as? [String: [String]] == ["source": ["jenkins"], "service": ["checkout"], "status": ["success"]])
        let root = try tychoEvent(((try data.run(["query", "--tag", "source:github"]).json() as? [String: Any])?["result"] as? [Any])?.first)
        #expect(root["parent_id"] as? String == "")
        #expect(root["detail_urls"] as? [String: String] == ["commit": "https://git.example.com/c/abc123"])
    }

    @Test func everyTagMustMatch() throws {
        let data = try CommandLineFixture()
        let both = try data.run(["query", "--tag", "service:checkout", "--tag", "status:fail"]).json()
        #expect(try ids(#require((both as? [String: Any])?["result"])) == ["deploy-prod-1"])
        let none = try data.run(["query", "--tag", "source:github", "--tag", "status:fail"]).json() as? [String: Any]
        #expect(none?["count"] as? Int == 0)
        #expect((none?["result"] as? [Any])?.isEmpty == true)
    }

    @Test func parentIDAndSourceIDWorkAsTags() throws {
        let data = try CommandLineFixture()
        let children = try data.run(["query", "--tag", "parent_id:deploy-prod-1"]).json() as? [String: Any]
        #expect(try ids(#require(children?["result"])) == ["chef-h2", "chef-h1"])
        let source = try data.run(["query", "--tag", "source_id:checkout#1"]).json() as? [String: Any]
        #expect(try ids(#require(source?["result"])) == ["build-1"])
    }

    @Test func updatedEventIsFoundByItsNewTagsOnly() throws {
        let data = try CommandLineFixture()
        let success = try data.run(["query", "--tag", "source:launchdarkly"]).json() as? [String: Any]
        let flag = try tychoEvent((success?["result"] as? [Any])?.first)
        #expect(flag["description"] as? String == "dark-mode 50%")
        #expect(success?["count"] as? Int == 1)
        let running = try data.run(["query", "--tag", "status:running"]).json() as? [String: Any]
        #expect(running?["count"] as? Int == 0)
    }

    @Test func timeRangeIsIntervalOverlap() throws {
        let data = try CommandLineFixture()
        // [10:44, 10:46): chef-h1 ends 10:45, chef-h2 and deploy-prod-1 run through it.
        let run = data.run(["query", "--frm", "2026-11-30T10:44:00Z", "--to", "2026-11-30T10:46:00+00:00"])
        #expect(run.status == 0, "\(run.err)")
        #expect(try ids(#require((try run.json() as? [String: Any])?["result"])) == ["chef-h2", "chef-h1", "deploy-prod-1"])
        let atEnd = data.run(["query", "--frm", "2026-11-30T10:50:00Z", "--to", "2026-11-30T11:00:00Z"])
        #expect(try ids(#require((try atEnd.json() as? [String: Any])?["result"])) == ["deploy-prod-1"], "end_time >= frm")
        let atStart = data.run(["query", "--frm", "2026-11-30T09:30:00Z", "--to", "2026-11-30T10:00:00Z"])
        #expect(try ids(#require((try atStart.json() as? [String: Any])?["result"])) == [], "start_time < to")
    }

    @Test func countAndPage() throws {
        let data = try CommandLineFixture()
        let first = try data.run(["query", "--count", "2"]).json() as? [String: Any]
        #expect(try ids(#require(first?["result"])) == ["wrapped", "flag-1"])
        #expect(first?["count"] as? Int == 2)
        let third = try data.run(["query", "--count", "2", "--page", "3"]).json() as? [String: Any]
        #expect(try ids(#require(third?["result"])) == ["deploy-prod-1", "deploy-staging-1"])
        let last = try data.run(["query", "--count=4", "--page=3"]).json() as? [String: Any]
        #expect(try ids(#require(last?["result"])) == ["orphan"])
        #expect(last?["count"] as? Int == 1, "count is the events on this page")
        let beyond = try data.run(["query", "--count", "4", "--page", "9"]).json() as? [String: Any]
        #expect(beyond?["count"] as? Int == 0)
        let zero = try data.run(["query", "--count", "0"]).json() as? [String: Any]
        #expect(zero?["count"] as? Int == 0)
    }

    @Test(arguments: [
        ["--count", "-1"], ["--page", "0"], ["--page", "-2"], ["--count", "ten"], ["--count", "99999999999999999999"],
        ["--frm", "2026-13-01T00:00:00Z"], ["--to", "2026-11-30T10:00:61Z"], ["--tag", "no-colon"], ["--tag"],
        ["--frm"], ["unexpected-positional"],
    ])
    func badArgumentsAreUsageErrors(_ arguments: [String]) throws {
        let data = try CommandLineFixture()
        let run = data.run(["query"] + arguments)
        #expect(run.status == 2, "\(arguments): \(run.err)")
        #expect(run.out == "")
        #expect(run.err.hasPrefix("tycho query: "), "\(run.err)")
        #expect(run.err.contains("\nusage: tycho query"), "\(run.err)")
    }

    @Test func warnsOnStderrAboutBadLinesButStillAnswers() throws {
        var files = CommandLineFixture.standardFiles
        files["bad.jsonl"] = "{not json\n"
        let data = try CommandLineFixture(files)
        let run = data.run(["query", "--tag", "source:github"])
        #expect(run.status == 0)
        #expect(run.err.contains("1 line"), "\(run.err)")
        #expect((try run.json() as? [String: Any])?["count"] as? Int == 1)
    }
}
