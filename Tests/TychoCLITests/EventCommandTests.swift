import Foundation
import Testing
import TychoCLI

/// `get`, `children`, `impact`, `trace` and `tree`: their JSON shapes, and exit status 1 with a
/// message when the id is unknown.
@Suite struct EventCommandTests {
    @Test func getPrintsOneEvent() throws {
        let data = try CommandLineFixture()
        let run = data.run(["get", "deploy-prod-1"])
        #expect(run.status == 0)
        #expect(run.err == "")
        let event = try tychoEvent(try run.json())
        #expect(event["id"] as? String == "deploy-prod-1")
        #expect(event["parent_id"] as? String == "build-1")
        #expect(event["source_id"] as? String == "")
        #expect(event["start_time"] as? String == "2026-11-30T10:40:00+00:00")
    }

    @Test func getOfAWrappedAndAnUpdatedEvent() throws {
        let data = try CommandLineFixture()
        #expect(try tychoEvent(try data.run(["get", "wrapped"]).json())["description"] as? String == "from the wrapper form")
        let flag = try tychoEvent(try data.run(["get", "flag-1"]).json())
        #expect(flag["description"] as? String == "dark-mode 50%")
        #expect(flag["end_time"] as? String == "2026-11-30T12:00:01+00:00")
    }

    @Test func childrenAreDirectOldestFirst() throws {
        let data = try CommandLineFixture()
        #expect(try ids(data.run(["children", "build-1"]).json()) == ["deploy-staging-1", "deploy-prod-1"])
        #expect(try ids(data.run(["children", "deploy-prod-1"]).json()) == ["chef-h1", "chef-h2"])
        let leaf = data.run(["children", "chef-h1"])
        #expect(leaf.status == 0)
        #expect(try ids(leaf.json()) == [])
    }

    @Test func childrenOfAParentThatWasNeverWritten() throws {
        let data = try CommandLineFixture()
        let run = data.run(["children", "missing-parent"])
        #expect(run.status == 0, "\(run.err)")
        #expect(try ids(run.json()) == ["orphan"])
    }

    @Test func impactIsTheNestedSubtree() throws {
        let data = try CommandLineFixture()
        let run = data.run(["impact", "commit-1"])
        #expect(run.status == 0)
        #expect(try treeShape(run.json()) == "commit-1(build-1(deploy-staging-1,deploy-prod-1(chef-h1,chef-h2)))")
        #expect(try treeShape(data.run(["impact", "deploy-prod-1"]).json()) == "deploy-prod-1(chef-h1,chef-h2)")
        #expect(try treeShape(data.run(["impact", "chef-h2"]).json()) == "chef-h2")
    }

    @Test func traceGoesUpToTheRoot() throws {
        let data = try CommandLineFixture()
        #expect(try ids(data.run(["trace", "chef-h2"]).json()) == ["chef-h2", "deploy-prod-1", "build-1", "commit-1"])
        #expect(try ids(data.run(["trace", "commit-1"]).json()) == ["commit-1"])
        #expect(try ids(data.run(["trace", "orphan"]).json()) == ["orphan"])
    }

    @Test func treeIsTheRootsImpact() throws {
        let data = try CommandLineFixture()
        let fromLeaf = data.run(["tree", "chef-h1"])
        #expect(fromLeaf.status == 0)
        #expect(try treeShape(fromLeaf.json()) == "commit-1(build-1(deploy-staging-1,deploy-prod-1(chef-h1,chef-h2)))")
        #expect(fromLeaf.out == data.run(["impact", "commit-1"]).out)
        #expect(try treeShape(data.run(["tree", "flag-1"]).json()) == "flag-1")
    }

    @Test(arguments: ["get", "children", "impact", "trace", "tree"])
    func unknownIDExitsOneWithAMessage(_ command: String) throws {
        let data = try CommandLineFixture()
        let run = data.run([command, "no-such-event"])
        #expect(run.status == 1)
        #expect(run.out == "")
        #expect(run.err.contains("no-such-event"), "\(run.err)")
        #expect(!run.err.contains("usage:"), "not a usage error")
    }

    @Test(arguments: ["get", "children", "impact", "trace", "tree"])
    func missingOrExtraIDIsAUsageError(_ command: String) throws {
        let data = try CommandLineFixture()
        for arguments in [[command], [command, "commit-1", "build-1"]] {
            let run = data.run(arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.err.contains("usage: tycho \(command)"), "\(run.err)")
        }
    }

    @Test func cyclesPrintEachEventOnce() throws {
        let data = try CommandLineFixture(["c.jsonl": """
            {"id": "a", "parent_id": "b", "start_time": "2020-01-01T00:00:01Z"}
            {"id": "b", "parent_id": "a", "start_time": "2020-01-01T00:00:02Z"}
            {"id": "self", "parent_id": "self", "start_time": "2020-01-01T00:00:03Z"}

            """])
        #expect(try ids(data.run(["trace", "a"]).json()) == ["a", "b"])
        #expect(try treeShape(data.run(["impact", "a"]).json()) == "a(b)")
        #expect(try treeShape(data.run(["tree", "a"]).json()) == "b(a)")
        #expect(try treeShape(data.run(["tree", "self"]).json()) == "self")
        #expect(try ids(data.run(["children", "self"]).json()) == ["self"])
    }

    @Test func hostileTextStaysValidJSON() throws {
        let description = "\u{1B}[2J\u{1B}]52;c;aGk=\u{07}bell\u{08}\r\n\u{0}\u{9B}\u{202E}end"
        let line = "{\"id\": \"evil\", \"start_time\": \"2020-01-01T00:00:00Z\", \"description\": \(jsonStringLiteral(description)), \"tags\": {\(jsonStringLiteral("k\u{1B}")): [\(jsonStringLiteral(description))]}}\n"
        let data = try CommandLineFixture(["h.jsonl": line])
        #expect(data.run(["check"]).status == 0, "the test's own line is valid")
        for arguments in [["get", "evil"], ["query"], ["trace", "evil"], ["impact", "evil"]] {
            let run = data.run(arguments)
            #expect(run.status == 0)
            #expect(!run.out.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F..<0xA0).contains($0.value) },
                    "raw control character in the output of \(arguments)")
            #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(run.out.utf8)) }
        }
        let event = try tychoEvent(try data.run(["get", "evil"]).json())
        #expect(event["description"] as? String == description)
        #expect(event["tags"] as? [String: [String]] == ["k\u{1B}": [description]])
    }
}

/// A JSON string literal written by Foundation, so the test does not rely on the code it tests.
func jsonStringLiteral(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text])
    return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
}
