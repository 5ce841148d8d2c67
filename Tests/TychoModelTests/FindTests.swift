import Foundation
import Testing
import TychoModel

/// Tycho's `find(tags, frm, to, count, page)`: tags ANDed, `parent_id`/`source_id` as tags, the
/// interval-overlap time rule, newest first with ties by id, and paging.
@Suite struct FindTests {
    static func term(_ text: String) -> TagTerm { TagTerm(parsing: text)! }

    // MARK: - Tags

    @Test func allTagsMustMatch() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("both", tags: ["service": ["foo"], "environment": ["prod"]]),
            eventLine("service-only", tags: ["service": ["foo"]]),
            eventLine("env-only", tags: ["environment": ["prod"]]),
            eventLine("other", tags: ["service": ["bar"], "environment": ["prod"]]))])
        #expect(try store.ids(store.find(tags: [Self.term("service:foo"), Self.term("environment:prod")])) == ["both"])
        #expect(try store.ids(store.find(tags: [Self.term("service:foo")])).sorted() == ["both", "service-only"])
        #expect(try store.find(tags: [Self.term("service:foo"), Self.term("service:bar")]).isEmpty)
        #expect(try store.find(tags: [Self.term("service:nope")]).isEmpty)
        #expect(try store.find(tags: [Self.term("nokey:foo")]).isEmpty)
        #expect(try store.find(tags: []).count == 4, "no tags: everything")
    }

    @Test func eachValueOfAMultiValuedTagMatches() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(eventLine("m", tags: ["host": ["h1", "h2"]]), eventLine("n"))])
        #expect(try store.ids(store.find(tags: [Self.term("host:h1")])) == ["m"])
        #expect(try store.ids(store.find(tags: [Self.term("host:h2")])) == ["m"])
        #expect(try store.ids(store.find(tags: [Self.term("host:h1"), Self.term("host:h2")])) == ["m"])
    }

    @Test func tagQuerySplitsAtTheFirstColon() throws {
        let term = Self.term("url:http://example.com:8080/x")
        #expect(term.key == "url")
        #expect(term.value == "http://example.com:8080/x")
        #expect(TagTerm(parsing: "no-colon") == nil)
        #expect(Self.term("k:") == TagTerm(key: "k", value: ""))
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("u", tags: ["url": ["http://example.com:8080/x"]]),
            eventLine("v", tags: ["url:http": ["//example.com:8080/x"]]))])
        #expect(try store.ids(store.find(tags: [term])) == ["u"])
    }

    @Test func tagsAreCaseSensitive() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(eventLine("c", tags: ["Service": ["Foo"]]))])
        #expect(try store.find(tags: [Self.term("service:foo")]).isEmpty)
        #expect(try store.ids(store.find(tags: [Self.term("Service:Foo")])) == ["c"])
    }

    @Test func parentIDWorksAsATag() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("p"),
            eventLine("c1", parent: "p", start: "2020-01-01T00:00:01Z", tags: ["status": ["fail"]]),
            eventLine("c2", parent: "p", start: "2020-01-01T00:00:02Z"),
            eventLine("orphan", parent: "gone"),
            eventLine("unrelated", tags: ["status": ["fail"]]))])
        #expect(try store.ids(store.find(tags: [Self.term("parent_id:p")])) == ["c2", "c1"])
        #expect(try store.ids(store.find(tags: [Self.term("parent_id:p"), Self.term("status:fail")])) == ["c1"])
        #expect(try store.ids(store.find(tags: [Self.term("parent_id:gone")])) == ["orphan"], "the parent need not exist")
        #expect(try store.find(tags: [Self.term("parent_id:nobody")]).isEmpty)
    }

    @Test func sourceIDWorksAsATag() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("j1", source: "build#12", tags: ["source": ["jenkins"]]),
            eventLine("j2", source: "build#13", tags: ["source": ["jenkins"]]),
            eventLine("g1", source: "build#12", tags: ["source": ["github"]]))])
        #expect(try store.ids(store.find(tags: [Self.term("source_id:build#12")])).sorted() == ["g1", "j1"])
        #expect(try store.ids(store.find(tags: [Self.term("source_id:build#12"), Self.term("source:jenkins")])) == ["j1"])
        #expect(try store.find(tags: [Self.term("source_id:build#1")]).isEmpty, "whole value, not a prefix")
    }

    // MARK: - Time

    /// Events around the window [10:00, 11:00).
    static let windowData = jsonl(
        eventLine("inside", start: "2020-01-01T10:15:00Z", end: "2020-01-01T10:20:00Z"),
        eventLine("ends-at-from", start: "2020-01-01T09:00:00Z", end: "2020-01-01T10:00:00Z"),
        eventLine("ends-before-from", start: "2020-01-01T09:00:00Z", end: "2020-01-01T09:59:59.999Z"),
        eventLine("starts-at-from", start: "2020-01-01T10:00:00Z"),
        eventLine("starts-before-to", start: "2020-01-01T10:59:59.999Z", end: "2020-01-01T12:00:00Z"),
        eventLine("starts-at-to", start: "2020-01-01T11:00:00Z", end: "2020-01-01T11:30:00Z"),
        eventLine("after", start: "2020-01-01T12:00:00Z"),
        eventLine("spans-window", start: "2019-12-25T00:00:00Z", end: "2020-01-02T00:00:00Z"),
        eventLine("long-but-over", start: "2019-12-01T00:00:00Z", end: "2020-01-01T09:30:00Z"),
        eventLine("overlaps-start", start: "2020-01-01T09:50:00Z", end: "2020-01-01T10:05:00Z"))

    @Test func eventMatchesWhenItsIntervalOverlapsTheWindow() throws {
        let store = try DataFixture.load(["a.jsonl": Self.windowData])
        let found = try store.ids(store.find(tags: [], from: ms("2020-01-01T10:00:00Z"), to: ms("2020-01-01T11:00:00Z")))
        #expect(found == ["starts-before-to", "inside", "starts-at-from", "overlaps-start", "ends-at-from", "spans-window"])
    }

    @Test func onlyFromOrOnlyTo() throws {
        let store = try DataFixture.load(["a.jsonl": Self.windowData])
        let fromOnly = try store.ids(store.find(tags: [], from: ms("2020-01-01T11:30:00Z")))
        #expect(fromOnly == ["after", "starts-at-to", "starts-before-to", "spans-window"])
        let toOnly = try store.ids(store.find(tags: [], to: ms("2020-01-01T09:00:00Z")))
        #expect(toOnly == ["spans-window", "long-but-over"])
    }

    @Test func timeAndTagsCombine() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("early", start: "2020-01-01T08:00:00Z", tags: ["k": ["v"]]),
            eventLine("late", start: "2020-01-01T12:00:00Z", tags: ["k": ["v"]]),
            eventLine("late-other", start: "2020-01-01T12:00:00Z"),
            eventLine("long", start: "2019-01-01T00:00:00Z", end: "2021-01-01T00:00:00Z", tags: ["k": ["v"]]))])
        let found = try store.find(tags: [Self.term("k:v")], from: ms("2020-01-01T11:00:00Z"), to: ms("2020-01-01T13:00:00Z"))
        #expect(store.ids(found) == ["late", "long"])
    }

    @Test func longEventFarInThePastIsStillFoundAmongManyShortOnes() throws {
        // The store bounds how far back it looks by the longest duration; this checks that bound.
        var lines = (0..<500).map { k in eventLine("short-\(k)", start: Timestamp.format(ms("2020-01-01T00:00:00Z") + Int64(k) * 60_000)) }
        lines.append(eventLine("year-long", start: "2019-01-01T00:00:00Z", end: "2020-01-01T05:00:00.001Z"))
        let store = try DataFixture.load(["a.jsonl": lines.map { $0 + "\n" }.joined()])
        let found = try store.ids(store.find(tags: [], from: ms("2020-01-01T05:00:00Z"), to: ms("2020-01-01T05:01:00Z")))
        #expect(found == ["short-300", "year-long"])
    }

    @Test func emptyOrInvertedWindowFindsNothing() throws {
        let store = try DataFixture.load(["a.jsonl": Self.windowData])
        let equal = try store.ids(store.find(tags: [], from: ms("2020-01-01T10:16:00Z"), to: ms("2020-01-01T10:16:00Z")))
        #expect(equal == ["inside", "spans-window"], "start < to and end >= frm, applied literally")
        #expect(try store.find(tags: [], from: ms("2021-01-01T00:00:00Z"), to: ms("2020-01-01T00:00:00Z")).isEmpty)
    }

    @Test func eventEndingBeforeItStartsFollowsTheRuleLiterally() throws {
        // A producer's mistake, but the rule still holds: end_time >= frm is required.
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("inverted", start: "2020-01-01T10:30:00Z", end: "2020-01-01T09:00:00Z"),
            eventLine("normal", start: "2020-01-01T10:30:00Z"))])
        let found = try store.ids(store.find(tags: [], from: ms("2020-01-01T10:00:00Z"), to: ms("2020-01-01T11:00:00Z")))
        #expect(found == ["normal"])
        let early = try store.ids(store.find(tags: [], from: ms("2020-01-01T08:00:00Z"), to: ms("2020-01-01T11:00:00Z")))
        #expect(early == ["inverted", "normal"])
    }

    // MARK: - Order and paging

    @Test func newestFirstWithTiesByIDAscending() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(
            eventLine("b", start: "2020-01-01T00:00:00Z"),
            eventLine("old", start: "2019-01-01T00:00:00Z"),
            eventLine("c", start: "2020-01-01T00:00:00Z"),
            eventLine("new", start: "2021-01-01T00:00:00Z"),
            eventLine("a", start: "2020-01-01T00:00:00Z"),
            eventLine("B", start: "2020-01-01T00:00:00Z"))])
        #expect(try store.ids(store.find(tags: [])) == ["new", "B", "a", "b", "c", "old"])
        #expect(store.allIDs == ["new", "B", "a", "b", "c", "old"])
    }

    @Test func orderIsByStartTimeNotEndOrFilePosition() throws {
        let store = try DataFixture.load([
            "1.jsonl": jsonl(eventLine("later-start", start: "2020-01-02T00:00:00Z", end: "2020-01-02T00:00:01Z")),
            "2.jsonl": jsonl(eventLine("earlier-start", start: "2020-01-01T00:00:00Z", end: "2020-01-05T00:00:00Z")),
        ])
        #expect(try store.ids(store.find(tags: [])) == ["later-start", "earlier-start"])
    }

    @Test func pagesOfCount() throws {
        let lines = (0..<7).map { k in eventLine("e\(k)", start: "2020-01-01T00:00:0\(k)Z") }
        let store = try DataFixture.load(["a.jsonl": lines.map { $0 + "\n" }.joined()])
        #expect(try store.ids(store.find(tags: [], count: 3, page: 1)) == ["e6", "e5", "e4"])
        #expect(try store.ids(store.find(tags: [], count: 3, page: 2)) == ["e3", "e2", "e1"])
        #expect(try store.ids(store.find(tags: [], count: 3, page: 3)) == ["e0"])
        #expect(try store.find(tags: [], count: 3, page: 4).isEmpty)
        #expect(try store.find(tags: [], count: 0, page: 1).isEmpty)
        #expect(try store.find(tags: [], count: Int.max, page: 1).count == 7)
        #expect(try store.find(tags: [], count: Int.max, page: Int.max).isEmpty)
        #expect(try store.find(tags: [], count: 1, page: Int.max).isEmpty)
    }

    @Test func defaultPageIsTheFirst100() throws {
        let lines = (0..<150).map { k in eventLine(String(format: "e%03d", k), start: Timestamp.format(Int64(k) * 1000)) }
        let store = try DataFixture.load(["a.jsonl": lines.map { $0 + "\n" }.joined()])
        let page = try store.find(tags: [])
        #expect(page.count == 100)
        #expect(store.id(page[0]) == "e149")
        #expect(store.id(page[99]) == "e050")
    }

    @Test func negativeCountOrPageBelowOneIsAnError() throws {
        let store = try DataFixture.load(["a.jsonl": jsonl(eventLine("a"))])
        #expect(throws: QueryError.self) { try store.find(tags: [], count: -1) }
        #expect(throws: QueryError.self) { try store.find(tags: [], page: 0) }
        #expect(throws: QueryError.self) { try store.find(tags: [], page: -3) }
    }
}
