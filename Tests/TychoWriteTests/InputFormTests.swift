import Foundation
import TychoModel
import XCTest

/// What `put` and `post` accept: one object (on one line or several), `{"event": {...}}`, JSON
/// lines of either, from a file, `-` or standard input.
final class InputFormTests: XCTestCase {
    func testOneObjectSpanningSeveralLines() throws {
        let store = try WriteFixture()
        let run = store.put("""
        {
          "id": "multi",
          "start_time": "2024-05-01T10:00:00Z",
          "description": "spread\\nout",
          "tags": {
            "service": ["web",
                        "api"]
          }
        }

        """)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.ids, ["multi"])
        XCTAssertEqual(store.get("multi")?["description"] as? String, "spread\nout")
        XCTAssertEqual(tagDictionary(store.get("multi")), ["service": ["web", "api"]])
        XCTAssertEqual(store.logLines().count, 1, "one event must be one line in the log")
    }

    func testTheEventWrapper() throws {
        let store = try WriteFixture()
        let run = store.put("{\"event\": \(eventJSON(id: "wrapped", start: at(10, 0), description: "inside"))}")
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.ids, ["wrapped"])
        let multiline = store.put("{\n  \"event\": {\n    \"id\": \"wrapped-2\",\n    \"end_time\": \"\(at(10, 0))\"\n  }\n}\n")
        XCTAssertEqual(multiline.status, 0, multiline.err)
        XCTAssertEqual(store.get("wrapped-2")?["start_time"] as? String, at(10, 0))
        let post = store.post("{\"event\": \(eventJSON(id: "wrapped", description: "more"))}")
        XCTAssertEqual(post.objects.first?["description"] as? String, "inside\nmore")
    }

    func testJSONLinesOfEitherForm() throws {
        let store = try WriteFixture()
        let input = [eventJSON(id: "l1", start: at(10, 1)), "", "{\"event\": \(eventJSON(id: "l2", start: at(10, 2)))}", "   ",
                     eventJSON(id: "l3", start: at(10, 3)), "{\"event\": \(eventJSON(id: "l4", start: at(10, 4)))}"].joined(separator: "\n")
        let run = store.put(input)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.ids, ["l1", "l2", "l3", "l4"], "results follow the input order")
        XCTAssertEqual(store.logLines().count, 4)
        // CRLF line ends too.
        let crlf = store.put(eventJSON(id: "c1", start: at(10, 5)) + "\r\n" + eventJSON(id: "c2", start: at(10, 6)) + "\r\n")
        XCTAssertEqual(crlf.status, 0, crlf.err)
        XCTAssertEqual(crlf.ids, ["c1", "c2"])
        // Posting JSON lines changes each.
        let post = store.post([eventJSON(id: "l1", description: "x"), "{\"event\": \(eventJSON(id: "l2", description: "y"))}"].joined(separator: "\n"))
        XCTAssertEqual(post.status, 0, post.err)
        XCTAssertEqual(post.ids, ["l1", "l2"])
    }

    func testFileDashAndStandardInput() throws {
        let store = try WriteFixture()
        let path = store.directory + "/../input-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(eventJSON(id: "from-file", start: at(10, 0)).utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(store.tycho("put", [path]).ids, ["from-file"])
        XCTAssertEqual(store.tycho("put", ["-"], input: eventJSON(id: "from-dash", start: at(10, 0))).ids, ["from-dash"])
        XCTAssertEqual(store.tycho("put", [], input: eventJSON(id: "from-stdin", start: at(10, 0))).ids, ["from-stdin"])
        let missing = store.tycho("put", [store.directory + "/no-such-file.json"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("cannot read"), missing.err)
    }

    func testInputThatIsNotEvents() throws {
        let store = try WriteFixture()
        let cases: [(String, String)] = [
            ("", "no event"),
            ("\n\n", "no event"),
            ("[1, 2]", "input line 1"),
            ("{\"id\": \"a\", \"start_time\": \"\(at(10, 0))\"}\nnot json", "input line 2"),
            ("{\"id\": \"open\"", "input line 1"),
        ]
        for (input, fragment) in cases {
            let run = store.put(input)
            XCTAssertEqual(run.status, 1, "\(input.debugDescription): \(run.out)")
            XCTAssertTrue(run.err.contains(fragment), "\(input.debugDescription): \(run.err)")
        }
        // A malformed line refuses the whole input: nothing is written, not even the good lines.
        XCTAssertEqual(store.logLines(), [])
        XCTAssertNil(store.get("a"))
    }
}
