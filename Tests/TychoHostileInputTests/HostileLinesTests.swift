import Foundation
import Testing
import TychoModel

/// Broken, careless and malicious lines: each is read soundly or skipped with a precise
/// `file:line: reason`, the lines around it still load, and nothing crashes, hangs or is read
/// as a silently different value.
@Suite struct HostileLinesTests {
    // MARK: - Line endings and encodings

    @Test func crlfLineEndingsAreStrippedFromValues() throws {
        let store = try loadFile(line("a", "\"description\": \"first\"") + "\r\n" + line("b", "\"description\": \"second\"") + "\r\n")
        #expect(store.problemTexts == [])
        #expect(try store.required("a").description == "first")
        #expect(try store.required("b").description == "second")
        #expect(store.location(try store.requiredRecord("b")).line == 2)
    }

    @Test func bareCarriageReturnsAreNotLineEnds() throws {
        // Old Mac line ends: the whole file is one line with two objects on it.
        let store = try loadFile(line("a") + "\r" + line("b") + "\r\n")
        #expect(store.count == 0)
        #expect(store.problems.count == 1)
        #expect(store.problemTexts.first?.hasPrefix("events.jsonl:1: invalid JSON at column ") == true)
        #expect(store.problemTexts.first?.hasSuffix("unexpected text after the JSON object") == true)
    }

    @Test func rawCarriageReturnInsideAStringIsRejected() throws {
        let store = try loadFile("{\"id\": \"a\rb\", \"start_time\": \"2026-01-01\"}\n")
        #expect(store.problemTexts == ["events.jsonl:1: invalid JSON at column 10: control character 0x0D inside a string (must be escaped)"])
    }

    @Test func byteOrderMarkStartingTheFileIsSkipped() throws {
        let store = try loadFile([0xEF, 0xBB, 0xBF] + Array((line("a") + "\n" + line("b") + "\n").utf8))
        #expect(store.problemTexts == [])
        #expect(Set(store.allIDs) == ["a", "b"])
        #expect(try store.required("a").id == "a", "the BOM must not become part of anything")
    }

    /// Found by the fuzzer (fuzz/corpus/two-byte-order-marks.jsonl): only the first mark of a
    /// file is skipped; a second one is the first line's content, and the line is reported.
    @Test func secondByteOrderMarkStartingTheFileIsAProblem() throws {
        let store = try loadFile([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array((line("a") + "\n" + line("b") + "\n").utf8))
        #expect(store.allIDs == ["b"])
        #expect(store.problemTexts == ["events.jsonl:1: expected a JSON object, found byte 0xEF"])
    }

    @Test func byteOrderMarkInsideTheFileIsAProblemOnItsLine() throws {
        let store = try loadFile(Array((line("a") + "\n").utf8) + [0xEF, 0xBB, 0xBF] + Array((line("b") + "\n").utf8))
        #expect(store.allIDs == ["a"])
        #expect(store.problemTexts == ["events.jsonl:2: expected a JSON object, found byte 0xEF"])
    }

    /// Bytes that are not UTF-8: a stray byte, an overlong slash, an encoded surrogate, a
    /// truncated sequence, a code point above U+10FFFF. Each line is reported with its column.
    @Test(arguments: [
        ([0xFF], "invalid UTF-8 at column 10"),
        ([0xC0, 0xAF], "invalid UTF-8 at column 10"),
        ([0xED, 0xA0, 0x80], "invalid UTF-8 at column 10"),
        ([0xE2, 0x82], "invalid UTF-8 at column 10"),
        ([0xF4, 0x90, 0x80, 0x80], "invalid UTF-8 at column 10"),
    ] as [([UInt8], String)])
    func invalidUTF8IsReportedWithItsColumn(_ bad: [UInt8], _ reason: String) throws {
        let bytes = Array("{\"id\": \"x".utf8) + bad + Array("\", \"start_time\": \"2026-01-01\"}\n".utf8)
        let store = try loadFile(Array((line("before") + "\n").utf8) + bytes + Array((line("after") + "\n").utf8))
        #expect(store.problemTexts == ["events.jsonl:2: \(reason)"])
        #expect(Set(store.allIDs) == ["before", "after"])
    }

    @Test func invalidUTF8InAnUnknownMemberStillRejectsTheLine() throws {
        // Skipped members are not decoded, but the line is still checked: nothing invalid is kept.
        let bytes = Array("{\"x\": \"".utf8) + [0xFE] + Array("\", \"id\": \"a\", \"start_time\": \"2026-01-01\"}\n".utf8)
        let store = try loadFile(bytes)
        #expect(store.problemTexts == ["events.jsonl:1: invalid UTF-8 at column 8"])
    }

    @Test func nulInsideAStringMustBeEscaped() throws {
        let raw = try loadFile(Array("{\"id\": \"a".utf8) + [0] + Array("b\", \"start_time\": \"2026-01-01\"}\n".utf8))
        #expect(raw.problemTexts == ["events.jsonl:1: invalid JSON at column 10: control character 0x00 inside a string (must be escaped)"])
        // Escaped, it is an ordinary character, kept exactly.
        let escaped = try loadFile("{\"id\": \"a\\u0000b\", \"start_time\": \"2026-01-01\", \"description\": \"x\\u0000\"}\n")
        #expect(escaped.problemTexts == [])
        #expect(try escaped.required("a\u{0}b").description == "x\u{0}")
    }

    @Test func nulOutsideStringsIsASyntaxError() throws {
        let between = try loadFile(Array("{\"id\": \"a\",".utf8) + [0] + Array(" \"start_time\": \"2026-01-01\"}\n".utf8))
        #expect(between.problemTexts == ["events.jsonl:1: invalid JSON at column 12: expected a member name"])
        let after = try loadFile(Array((line("a")).utf8) + [0, 0, 0] + [0x0A])
        #expect(after.problemTexts.count == 1)
        #expect(after.problemTexts.first?.hasSuffix("unexpected text after the JSON object") == true)
        // A crash can leave a run of NUL bytes where a line should be (a preallocated block).
        let padding = try loadFile(Array((line("a") + "\n").utf8) + [UInt8](repeating: 0, count: 4096) + [0x0A] + Array((line("b") + "\n").utf8))
        #expect(padding.problemTexts == ["events.jsonl:2: expected a JSON object, found byte 0x00"])
        #expect(Set(padding.allIDs) == ["a", "b"])
    }

    // MARK: - Size and depth

    @Test func tenMegabyteLineLoadsWhole() throws {
        // Larger than a read range (8 MB), between two ordinary lines.
        let description = String(repeating: "0123456789abcdef", count: 10 << 16)
        let text = line("small-1") + "\n" + line("big", "\"description\": \"\(description)\"") + "\n" + line("small-2") + "\n"
        let (store, seconds) = try timed { try loadFile(text) }
        #expect(store.problemTexts == [])
        #expect(store.count == 3)
        #expect(try store.required("big").description.utf8.count == 10 << 20)
        #expect(store.location(try store.requiredRecord("small-2")).line == 3)
        print("10 MB line loaded in \(seconds) s")
    }

    @Test func tenMegabyteBrokenLineGivesAShortReason() throws {
        let start = "{\"id\": \"big\", \"description\": \""
        let text = line("a") + "\n" + start + String(repeating: "x", count: 10 << 20) + "\n" + line("b") + "\n"
        let store = try loadFile(text)
        #expect(Set(store.allIDs) == ["a", "b"])
        #expect(store.problems.count == 1)
        let problem = try #require(store.problems.first)
        #expect(problem.line == 2)
        #expect(problem.reason == "invalid JSON at column \(start.utf8.count + (10 << 20) + 1): unterminated string")
    }

    static let depth = 10_000

    @Test func tenThousandLevelsInAnUnknownMemberAreSkipped() throws {
        let lists = String(repeating: "[", count: Self.depth) + String(repeating: "]", count: Self.depth)
        let objects = String(repeating: "{\"a\": ", count: Self.depth) + "1" + String(repeating: "}", count: Self.depth)
        let mixed = String(repeating: "[{\"k\": ", count: Self.depth) + "null" + String(repeating: "}]", count: Self.depth)
        let text = [lists, objects, mixed].enumerated().map { k, value in line("deep-\(k)", "\"extra\": \(value)") + "\n" }.joined()
        let store = try loadFile(text)
        #expect(store.problemTexts == [])
        #expect(store.count == 3)
    }

    @Test func aMillionLevelsDoNotOverflowTheStackEither() throws {
        let n = 1_000_000
        let text = line("deep", "\"extra\": " + String(repeating: "[", count: n) + String(repeating: "]", count: n)) + "\n"
        let store = try loadFile(text)
        #expect(store.problemTexts == [])
        #expect(store.count == 1)
    }

    @Test func unbalancedDeepNestingIsReportedNotSkippedForever() throws {
        let open = line("x", "\"extra\": " + String(repeating: "[", count: Self.depth)) + "\n"
        let wrongClose = line("y", "\"extra\": " + String(repeating: "[", count: Self.depth) + String(repeating: "}", count: Self.depth)) + "\n"
        let store = try loadFile(open + wrongClose)
        #expect(store.count == 0)
        #expect(store.problems.map(\.line) == [1, 2])
        #expect(store.problems.allSatisfy { $0.reason.hasPrefix("invalid JSON at column ") })
    }

    @Test func deepNestingInTagsIsRejectedByType() throws {
        let nestedList = String(repeating: "[", count: Self.depth) + "\"v\"" + String(repeating: "]", count: Self.depth)
        let nestedObject = String(repeating: "{\"a\": ", count: Self.depth) + "\"v\"" + String(repeating: "}", count: Self.depth)
        let store = try loadFile(line("a", "\"tags\": {\"k\": \(nestedList)}") + "\n"
            + line("b", "\"tags\": {\"k\": \(nestedObject)}") + "\n"
            + line("c", "\"tags\": \(nestedList)") + "\n"
            + line("d", "\"detail_urls\": {\"u\": \(nestedObject)}") + "\n")
        #expect(store.count == 0)
        #expect(store.problemTexts == [
            "events.jsonl:1: tag 'k' values must be strings, found a list",
            "events.jsonl:2: tag 'k' must be a list of strings, not an object",
            "events.jsonl:3: tags must be an object, not a list",
            "events.jsonl:4: detail_urls.u must be a string, not an object",
        ])
    }

    // MARK: - Keys, types and null

    @Test func duplicateKeysLastOneWins() throws {
        let store = try loadFile("""
            {"id": "first", "id": "dup", "start_time": "2026-01-01", "start_time": "2026-01-02", "description": "a", "description": "b", "parent_id": "p1", "parent_id": "p2"}
            {"id": "tags", "start_time": "2026-01-01", "tags": {"k": ["1"], "k": ["2", "3"], "j": "x"}, "tags": {"k": ["4"], "k": "5"}}
            {"id": "urls", "start_time": "2026-01-01", "detail_urls": {"a": "http://1", "b": "http://2", "a": "http://3"}}

            """)
        #expect(store.problemTexts == [])
        #expect(store.record(id: "first") == nil)
        let dup = try store.required("dup")
        #expect(dup.startTime == ms("2026-01-02") && dup.endTime == ms("2026-01-02"))
        #expect(dup.description == "b")
        #expect(dup.parentID == "p2")
        #expect(try store.required("tags").tags == [Tag("k", ["5"])])
        #expect(try store.required("urls").detailURLs == [NamedURL("a", "http://3"), NamedURL("b", "http://2")])
    }

    @Test func numbersAndOtherTypesWhereStringsBelong() throws {
        let store = try loadFile("""
            {"id": 5, "start_time": "2026-01-01"}
            {"id": "a", "start_time": 1767225600}
            {"id": "b", "start_time": "2026-01-01", "end_time": 1.5e3}
            {"id": "c", "start_time": "2026-01-01", "parent_id": 12}
            {"id": "d", "start_time": "2026-01-01", "description": true}
            {"id": "e", "start_time": "2026-01-01", "source_id": ["s"]}
            {"id": "f", "start_time": "2026-01-01", "tags": {"k": [1]}}
            {"id": "g", "start_time": "2026-01-01", "tags": {"k": 1}}
            {"id": "h", "start_time": "2026-01-01", "detail_urls": {"u": 1}}
            {"id": "i", "start_time": "2026-01-01", "detail_urls": ["http://x"]}
            {"delete": 7}

            """)
        #expect(store.count == 0)
        #expect(store.problemTexts == [
            "events.jsonl:1: id must be a string, not a number",
            "events.jsonl:2: start_time must be a string, not a number",
            "events.jsonl:3: end_time must be a string, not a number",
            "events.jsonl:4: parent_id must be a string, not a number",
            "events.jsonl:5: description must be a string, not a boolean",
            "events.jsonl:6: source_id must be a string, not a list",
            "events.jsonl:7: tag 'k' values must be strings, found a number",
            "events.jsonl:8: tag 'k' must be a list of strings, not a number",
            "events.jsonl:9: detail_urls.u must be a string, not a number",
            "events.jsonl:10: detail_urls must be an object, not a list",
            "events.jsonl:11: delete must be a string, not a number",
        ])
    }

    @Test func wordsThatAreNoJSONAreNamedAsWritten() throws {
        let store = try loadFile("""
            not json at all
            null
            nullish
            {"id": "a", "start_time": "2026-01-01", "tags": {"k": nope}}
            {"id": "b", "start_time": "2026-01-01", "description": True}
            {"id": "c", "start_time": "2026-01-01", "description": false}
            Supercalifragilisticexpialidocious

            """)
        #expect(store.problemTexts == [
            "events.jsonl:1: expected a JSON object, found 'not' (no JSON value)",
            "events.jsonl:2: expected a JSON object, found null",
            "events.jsonl:3: expected a JSON object, found 'nullish' (no JSON value)",
            "events.jsonl:4: tag 'k' must be a list of strings, not 'nope' (no JSON value)",
            "events.jsonl:5: description must be a string, not 'True' (no JSON value)",
            "events.jsonl:6: description must be a string, not a boolean",
            "events.jsonl:7: expected a JSON object, found 'Supercalifragili…' (no JSON value)",
        ])
    }

    @Test func numbersInUnknownMembersAreFine() throws {
        let store = try loadFile(line("n", "\"count\": -0.5e+308, \"big\": 123456789012345678901234567890, \"x\": [0, -0, 1E9]") + "\n")
        #expect(store.problemTexts == [])
        #expect(store.count == 1)
    }

    @Test func aTagGivenAsAStringIsAOneValueList() throws {
        let store = try loadFile(line("a", "\"tags\": {\"service\": \"web\", \"env\": [\"prod\", \"eu\"]}") + "\n")
        #expect(store.problemTexts == [])
        #expect(try store.required("a").tags == [Tag("service", ["web"]), Tag("env", ["prod", "eu"])])
        #expect(try store.find(tags: [TagTerm(key: "service", value: "web")]).count == 1)
    }

    @Test func nullMeansAbsent() throws {
        let store = try loadFile("""
            {"id": "a", "parent_id": null, "source_id": null, "description": null, "tags": null, "detail_urls": null, "start_time": "2026-01-01", "end_time": null}
            {"id": null, "start_time": null, "end_time": "2026-01-02", "description": "no id"}

            """)
        #expect(store.problemTexts == [])
        let a = try store.required("a")
        #expect(a == Event(id: "a", startTime: ms("2026-01-01"), endTime: ms("2026-01-01")))
        #expect(store.parentRecord(try store.requiredRecord("a")) == nil)
        // A null id is a missing id: one is made from the line's bytes.
        let other = try #require(store.allIDs.first { $0 != "a" })
        #expect(other.count == 36)
        #expect(try store.required(other).startTime == ms("2026-01-02"))
    }

    @Test func nullInsideATagListIsRejected() throws {
        let store = try loadFile(line("a", "\"tags\": {\"k\": [\"v\", null]}") + "\n" + line("b", "\"tags\": {\"k\": null}") + "\n")
        #expect(store.count == 0)
        #expect(store.problemTexts == [
            "events.jsonl:1: tag 'k' values must be strings, found null",
            "events.jsonl:2: tag 'k' must be a list of strings, not null",
        ])
    }

    @Test func nullForBothTimesIsNoTimeAtAll() throws {
        let store = try loadFile("{\"id\": \"a\", \"start_time\": null, \"end_time\": null}\n")
        #expect(store.problemTexts == ["events.jsonl:1: no start_time or end_time"])
    }

    // MARK: - Files and directories

    @Test func emptyFilesAndBlankLinesLoadNothingAndReportNothing() throws {
        let directory = try HostileDirectory()
        try directory.write("empty.jsonl", [UInt8]())
        try directory.write("blank.jsonl", "\n\n   \n\t\r\n")
        try directory.write("bom-only.jsonl", [0xEF, 0xBB, 0xBF])
        let store = try directory.load()
        #expect(store.count == 0)
        #expect(store.problemTexts == [])
        #expect(store.files.count == 3)
    }

    @Test func tenThousandSmallFilesLoad() throws {
        let directory = try HostileDirectory()
        let n = 10_000
        for k in 0..<n {
            try directory.write("d\(k % 10)/e\(k).jsonl", line("e\(k)", "\"parent_id\": \"e\(k / 2)\"") + "\n")
        }
        let (store, seconds) = try timed { try directory.load() }
        #expect(store.problemTexts == [])
        #expect(store.count == n)
        #expect(store.files.count == n)
        #expect(store.childRecords(try store.requiredRecord("e100")).count == 2)
        print("10,000 files loaded in \(seconds) s")
        // Generous: a hang or a quadratic listing would take minutes; this takes about a second.
        #expect(seconds < 60)
    }

    @Test func aFIFONamedLikeADataFileIsReportedNotOpened() throws {
        let directory = try HostileDirectory()
        try directory.write("good.jsonl", line("a") + "\n")
        #expect(mkfifo(directory.path + "/pipe.jsonl", 0o644) == 0)
        // Opening the FIFO would block until a writer came: the load must return.
        let store = try directory.load()
        #expect(store.allIDs == ["a"])
        #expect(store.problemTexts == ["pipe.jsonl: not a regular file (a FIFO); skipped"])
    }

    @Test func aLinkToADeviceIsReportedNotRead() throws {
        let directory = try HostileDirectory()
        try directory.write("good.jsonl", line("a") + "\n")
        // /dev/zero never ends: reading it would never finish.
        try directory.link("zero.jsonl", to: "/dev/zero")
        let store = try directory.load()
        #expect(store.allIDs == ["a"])
        #expect(store.problemTexts == ["zero.jsonl: not a regular file (a device); skipped"])
    }

    @Test func aDanglingLinkIsReported() throws {
        let directory = try HostileDirectory()
        try directory.write("good.jsonl", line("a") + "\n")
        try directory.link("gone.jsonl", to: "missing/nowhere.jsonl")
        let store = try directory.load()
        #expect(store.allIDs == ["a"])
        #expect(store.problemTexts == ["gone.jsonl: cannot read: No such file or directory"])
    }

    /// Permission bits do not stop root (CI runs tests as root), so a mode-000 file loads there;
    /// for anyone else it is reported. Either way the other files load.
    @Test func aFileWithoutReadPermission() throws {
        let directory = try HostileDirectory()
        try directory.write("good.jsonl", line("a") + "\n")
        try directory.write("secret.jsonl", line("s") + "\n")
        #expect(chmod(directory.path + "/secret.jsonl", 0) == 0)
        let store = try directory.load()
        if getuid() == 0 {
            #expect(Set(store.allIDs) == ["a", "s"])
            #expect(store.problemTexts == [])
        } else {
            #expect(store.allIDs == ["a"])
            #expect(store.problemTexts == ["secret.jsonl: cannot read: Permission denied"])
        }
    }

    @Test func symlinkLoopsEnd() throws {
        let directory = try HostileDirectory()
        try directory.write("a/events.jsonl", line("a") + "\n")
        try directory.link("a/again", to: "..")  // a/again/a/again/… is the data directory
        try directory.link("a/self", to: ".")
        try directory.makeFolder("b")
        try directory.link("b/to-a", to: "../a")
        try directory.link("loop.jsonl", to: "loop.jsonl")  // a link to itself
        let (store, seconds) = try timed { try directory.load() }
        #expect(store.allIDs == ["a"])
        #expect(store.files.map(\.name) == ["a/events.jsonl"])
        #expect(store.problemTexts == ["loop.jsonl: cannot read: Too many levels of symbolic links"])
        #expect(seconds < 10)
    }
}
