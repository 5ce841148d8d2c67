import Foundation
import XCTest

/// The query commands of the same binary, run as a script would run them.
final class QueryCommandTests: XCTestCase {
    func tycho(_ arguments: String...) throws -> ProcessRunner.Result {
        try ProcessRunner.run(try TychoBinary.path(), arguments, environment: ["TYCHO_DATA": ""])
    }

    func testQueryPrintsOnePageAsJSON() throws {
        let result = try tycho("query", "--data", TychoBinary.exampleData, "--tag", "source:github", "--count", "2")
        XCTAssertEqual(result.status, 0, result.standardError)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        XCTAssertEqual(object?["count"] as? Int, 2, result.standardOutput)
        let events = object?["result"] as? [[String: Any]] ?? []
        XCTAssertEqual(events.count, 2)
        for event in events {
            XCTAssertEqual(Set(event.keys), ["id", "parent_id", "source_id", "start_time", "end_time", "description", "detail_urls", "tags"])
            XCTAssertEqual((event["tags"] as? [String: [String]])?["source"], ["github"])
        }
        // Newest first.
        let starts = events.compactMap { $0["start_time"] as? String }
        XCTAssertEqual(starts, starts.sorted(by: >))
        XCTAssertEqual(events.first?["id"] as? String, "commit-b778f8c78d7c")
        // The three bad lines are reported on stderr, not mixed into the JSON.
        XCTAssertTrue(result.standardError.contains("3 lines"), result.standardError)
    }

    func testGetOfAnUnknownIDExitsOne() throws {
        let result = try tycho("get", "no-such-event-id", "--data", TychoBinary.exampleData)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.standardOutput, "")
        XCTAssertTrue(result.standardError.contains("no-such-event-id"), result.standardError)
        let known = try tycho("get", "--data", TychoBinary.exampleData, "commit-b778f8c78d7c")
        XCTAssertEqual(known.status, 0)
        XCTAssertTrue(known.standardOutput.contains("\"id\": \"commit-b778f8c78d7c\""), known.standardOutput)
    }

    func testCheckListsTheThreeBadLines() throws {
        let result = try tycho("check", "--data", TychoBinary.exampleData)
        XCTAssertEqual(result.status, 1)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let problems = lines.filter { $0.hasPrefix("events-2026-11-29.jsonl:") }
        XCTAssertEqual(problems.count, 3, result.standardOutput)
        for (problem, number) in zip(problems, [4, 7, 27]) {
            XCTAssertTrue(problem.hasPrefix("events-2026-11-29.jsonl:\(number): "), problem)
        }
        let clean = try tycho("check", "--data", TychoBinary.exampleData + "/seed-example")
        XCTAssertEqual(clean.status, 0, clean.standardOutput + clean.standardError)
    }

    func testUsageErrorsExitTwoWithAUsageLine() throws {
        for arguments in [["query", "--bogus"], ["query", "--count"], ["query", "--count", "many"], ["get"], ["frobnicate"], ["--data"]] {
            let result = try ProcessRunner.run(try TychoBinary.path(), arguments + (arguments == ["--data"] ? [] : ["--data", TychoBinary.exampleData]))
            XCTAssertEqual(result.status, 2, "tycho \(arguments.joined(separator: " ")): \(result.standardError)")
            XCTAssertTrue(result.standardError.split(separator: "\n").contains { $0.hasPrefix("usage: tycho") },
                          "no usage line for tycho \(arguments.joined(separator: " ")): \(result.standardError)")
            XCTAssertEqual(result.standardOutput, "")
        }
    }
}
