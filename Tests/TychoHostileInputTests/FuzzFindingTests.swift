import Foundation
import Testing
import TychoModel

/// What the fuzzer (`make fuzz`, `fuzz/LineParserFuzz.swift`) found, kept as tests, and its
/// whole seed corpus replayed through the loader and the timestamp parser on every test run.
@Suite struct FuzzFindingTests {
    /// `fuzz/corpus`, found from this file's place in the repository.
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/corpus")

    static let corpusFiles: [String] = {
        (try? FileManager.default.contentsOfDirectory(atPath: corpus.path))?.sorted() ?? []
    }()

    @Test func theCorpusIsThere() {
        #expect(Self.corpusFiles.count >= 40, "\(Self.corpus.path)")
    }

    /// Every corpus input loads as a data file: a reading or `file:line: reason` for each
    /// non-blank line, and whatever loads prints as JSON that loads back the same.
    @Test(arguments: corpusFiles)
    func corpusInputLoadsSoundly(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        let store = try loadFile(bytes)
        for problem in store.problems {
            #expect(problem.line >= 1 && !problem.reason.isEmpty, "\(problem)")
        }
        let printed = (0..<store.count).map { EventJSON.encode(store.event(store.record(atRank: $0))) + "\n" }.joined()
        let again = try loadFile(printed)
        #expect(again.problemTexts == [])
        #expect(again.count == store.count)
        _ = bytes.withUnsafeBufferPointer { try? Timestamp.parse($0) }
    }

    // MARK: - Findings

    /// Finding 1 (the fuzzer's first minute, seed `ts-zero.txt`): an offset carried
    /// 0000-01-01 into year -1, which `Timestamp.format` printed as `-0001-12-31T23:00:00+00:00`,
    /// a form the parser rejects, so `tycho get` printed an event its own loader could not
    /// read back. Such times are now rejected with a reason, in both the general reader and the
    /// fast path for the usual form.
    @Test(arguments: [
        "0000-01-01T00:00+01:00",  // general reader
        "0000-01-01T00:00:00+01:00",  // usual form, fast path
        "9999-12-31T23:59:59.999-23:59",
        "9999-12-31T24:00:00Z",
    ])
    func timesOutsideTheFourDigitYearsAreRejected(_ text: String) throws {
        #expect(performing: { try Timestamp.parse(text) }, throws: { error in
            (error as? Timestamp.Invalid)?.reason == "outside the years 0000–9999 once converted to UTC"
        })
        let store = try loadFile("{\"id\": \"x\", \"start_time\": \"\(text)\"}\n")
        #expect(store.problemTexts == ["events.jsonl:1: start_time '\(text)': outside the years 0000–9999 once converted to UTC"])
    }

    @Test func theEdgesOfTheFourDigitYearsStillLoadAndPrintBack() throws {
        let store = try loadFile("""
            {"id": "first", "start_time": "0000-01-01T00:00:00Z"}
            {"id": "last", "start_time": "9999-12-31T23:59:59.999Z"}
            {"id": "west", "start_time": "0000-01-01T00:00:00-01:00"}
            {"id": "east", "start_time": "9999-12-31T23:59:59+01:00"}

            """)
        #expect(store.problemTexts == [])
        for id in ["first", "last", "west", "east"] {
            let event = try store.required(id)
            let again = try loadFile(EventJSON.encode(event) + "\n")
            #expect(try again.required(id).startTime == event.startTime, "\(id)")
        }
    }
}

/// Inputs on which Foundation's `JSONSerialization` (the fuzzer's second opinion) and Tycho
/// disagree, where Tycho follows RFC 8259: kept so that neither drifts unnoticed.
@Suite struct FoundationDisagreementTests {
    @Test func aTrailingCommaIsNotJSON() throws {
        let store = try loadFile("""
            {"id": "a", "start_time": "2026-01-01", "tags": {"k": ["v"],}}
            {"id": "b", "start_time": "2026-01-01", "tags": {"k": ["v",]}}
            {"id": "c", "start_time": "2026-01-01",}

            """)
        #expect(store.count == 0)
        #expect(store.problemTexts == [
            "events.jsonl:1: invalid JSON at column 61: expected a tag name",
            "events.jsonl:2: tag 'k' values must be strings, found ']'",
            "events.jsonl:3: invalid JSON at column 40: expected a member name",
        ])
    }

    @Test func aByteOrderMarkInsideAValueIsKeptAsWritten() throws {
        // Foundation drops U+FEFF at the start of a string; it is part of the value.
        let store = try loadFile("{\"id\": \"a\", \"start_time\": \"2026-01-01\", \"tags\": {\"action\": [\"\u{FEFF}install\"]}}\n")
        let event = try store.required("a")
        #expect(event.tags == [Tag("action", ["\u{FEFF}install"])])
        #expect(EventJSON.encode(event).contains(#"["\ufeffinstall"]"#))
        #expect(try loadFile(EventJSON.encode(event) + "\n").required("a") == event)
    }

    @Test func aLoneSurrogateIsSkippedInAnUnknownMemberAndRejectedInAField() throws {
        let store = try loadFile("""
            {"id": "skipped", "start_time": "2026-01-01", "x": "\\ud800"}
            {"id": "kept", "start_time": "2026-01-01", "description": "\\udc00"}

            """)
        #expect(store.allIDs == ["skipped"])
        #expect(store.problems.map(\.line) == [2])
        #expect(store.problems.first?.reason.contains("unpaired surrogate") == true)
    }
}
