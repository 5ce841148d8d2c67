import Foundation
import TychoModel
import XCTest

/// `tycho post`: merge and update, the clash, the unknown id with and without --insert.
final class PostRuleTests: XCTestCase {
    /// A store holding one event to change.
    func storeWithDeploy() throws -> WriteFixture {
        let store = try WriteFixture()
        let run = store.put(eventJSON(id: "deploy", parent: "commit", source: "jenkins-1", start: at(10, 0), end: at(10, 5),
                                      description: "deploy web to prod", links: [("ci", "http://ci/1"), ("log", "http://log/1")],
                                      tags: [("service", ["web"]), ("env", ["prod"])]))
        XCTAssertEqual(run.status, 0, run.err)
        return store
    }

    func stored(_ store: WriteFixture, _ id: String) throws -> Event {
        let loaded = try store.load()
        return loaded.event(try XCTUnwrap(loaded.record(id: id), "no event \(id)"))
    }

    func testMergeTakesTheEarlierStartAndTheLaterEnd() throws {
        let store = try storeWithDeploy()
        // Inside the stored range: nothing moves.
        var run = store.post(eventJSON(id: "deploy", start: at(10, 1), end: at(10, 2)))
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.objects.first?["start_time"] as? String, at(10, 0))
        XCTAssertEqual(run.objects.first?["end_time"] as? String, at(10, 5))
        // Earlier start, earlier end: only the start moves.
        run = store.post(eventJSON(id: "deploy", start: at(9, 58), end: at(10, 3)))
        XCTAssertEqual(run.objects.first?["start_time"] as? String, at(9, 58))
        XCTAssertEqual(run.objects.first?["end_time"] as? String, at(10, 5))
        // Later end only: one time given stands for both, so only the end moves.
        run = store.post(eventJSON(id: "deploy", end: at(10, 30)))
        XCTAssertEqual(run.objects.first?["start_time"] as? String, at(9, 58))
        XCTAssertEqual(run.objects.first?["end_time"] as? String, at(10, 30))
        // A start after the stored end: the end widens to it.
        run = store.post(eventJSON(id: "deploy", start: at(11, 0)))
        XCTAssertEqual(run.objects.first?["start_time"] as? String, at(9, 58))
        XCTAssertEqual(run.objects.first?["end_time"] as? String, at(11, 0))
        // No time: the times stay.
        run = store.post(eventJSON(id: "deploy", description: "x"))
        XCTAssertEqual(run.objects.first?["start_time"] as? String, at(9, 58))
        XCTAssertEqual(run.objects.first?["end_time"] as? String, at(11, 0))
        // What was printed is what is stored.
        XCTAssertEqual(store.tycho("get", ["deploy"]).out, run.out)
    }

    func testMergeAppendsTheDescriptionOnANewLineUnlessContained() throws {
        let store = try storeWithDeploy()
        XCTAssertEqual(store.post(eventJSON(id: "deploy", description: "rolled back")).objects.first?["description"] as? String,
                       "deploy web to prod\nrolled back")
        // Already contained (a part of it): unchanged.
        XCTAssertEqual(store.post(eventJSON(id: "deploy", description: "web to")).objects.first?["description"] as? String,
                       "deploy web to prod\nrolled back")
        XCTAssertEqual(store.post(eventJSON(id: "deploy", description: "rolled back")).objects.first?["description"] as? String,
                       "deploy web to prod\nrolled back")
        // Empty or not given: unchanged.
        XCTAssertEqual(store.post(eventJSON(id: "deploy", description: "")).objects.first?["description"] as? String,
                       "deploy web to prod\nrolled back")
        XCTAssertEqual(try stored(store, "deploy").description, "deploy web to prod\nrolled back")
        // An event without a description takes the new one as it is (no leading newline).
        XCTAssertEqual(store.put(eventJSON(id: "bare", start: at(10, 0))).status, 0)
        XCTAssertEqual(store.post(eventJSON(id: "bare", description: "first words")).objects.first?["description"] as? String, "first words")
    }

    func testMergeMergesDetailURLsWithTheNewValuesWinning() throws {
        let store = try storeWithDeploy()
        let run = store.post(eventJSON(id: "deploy", links: [("log", "http://log/2"), ("pr", "http://pr/9")]))
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.objects.first?["detail_urls"] as? [String: String], ["ci": "http://ci/1", "log": "http://log/2", "pr": "http://pr/9"])
        XCTAssertEqual(try stored(store, "deploy").detailURLs,
                       [NamedURL("ci", "http://ci/1"), NamedURL("log", "http://log/2"), NamedURL("pr", "http://pr/9")])
        // An empty object changes nothing.
        XCTAssertEqual(store.post(eventJSON(id: "deploy", links: [])).status, 0)
        XCTAssertEqual(try stored(store, "deploy").detailURLs.count, 3)
    }

    func testMergeUnionsTagsPerKeyKeepingOrder() throws {
        let store = try storeWithDeploy()
        let run = store.post(eventJSON(id: "deploy", tags: [("env", ["prod", "eu"]), ("team", ["ops"]), ("service", ["api", "web"])]))
        XCTAssertEqual(run.status, 0, run.err)
        let expected = [Tag("service", ["web", "api"]), Tag("env", ["prod", "eu"]), Tag("team", ["ops"])]
        XCTAssertEqual(try stored(store, "deploy").tags, expected)
        XCTAssertTrue(run.out.contains("\"tags\": {\"service\": [\"web\", \"api\"], \"env\": [\"prod\", \"eu\"], \"team\": [\"ops\"]}"), run.out)
        // The merged tags are indexed: a tag query finds the event by a new value.
        XCTAssertEqual(store.queryIDs(["--tag", "env:eu"]), ["deploy"])
        XCTAssertEqual(store.queryIDs(["--tag", "service:web"]), ["deploy"])
    }

    func testMergeRefusesADifferingParentOrSourceID() throws {
        let store = try storeWithDeploy()
        let before = store.logBytes()
        let parent = store.post(eventJSON(id: "deploy", parent: "other-commit", description: "must not land"))
        XCTAssertEqual(parent.status, 1)
        XCTAssertEqual(parent.out, "")
        XCTAssertTrue(parent.err.contains("parent_id clash"), parent.err)
        let source = store.post(eventJSON(id: "deploy", source: "jenkins-2", description: "must not land"))
        XCTAssertEqual(source.status, 1)
        XCTAssertTrue(source.err.contains("source_id clash"), source.err)
        XCTAssertEqual(store.logBytes(), before, "a clash wrote something")
        // The same ids (or none) are no clash.
        let same = store.post(eventJSON(id: "deploy", parent: "commit", source: "jenkins-1", description: "agreed"))
        XCTAssertEqual(same.status, 0, same.err)
        XCTAssertEqual(same.objects.first?["parent_id"] as? String, "commit")
        // An event without a parent takes the one given.
        XCTAssertEqual(store.put(eventJSON(id: "orphan", start: at(10, 0))).status, 0)
        let adopted = store.post(eventJSON(id: "orphan", parent: "deploy", source: "src-1"))
        XCTAssertEqual(adopted.status, 0, adopted.err)
        XCTAssertEqual(try stored(store, "orphan").parentID, "deploy")
        XCTAssertEqual(try stored(store, "orphan").sourceID, "src-1")
        XCTAssertEqual(store.tycho("children", ["deploy"]).objects.count, 0)  // children prints a list
        XCTAssertTrue(store.tycho("children", ["deploy"]).out.contains("\"id\": \"orphan\""))
    }

    func testUpdateReplacesEveryFieldGiven() throws {
        let store = try storeWithDeploy()
        let run = store.post(eventJSON(id: "deploy", parent: "commit-2", start: at(12, 0), end: at(12, 30), description: "replaced",
                                       links: [("new", "http://new")], tags: [("env", ["staging"])]), ["--operation", "update"])
        XCTAssertEqual(run.status, 0, run.err)
        let event = try stored(store, "deploy")
        XCTAssertEqual(event, Event(id: "deploy", parentID: "commit-2", sourceID: "jenkins-1", startTime: milliseconds(at(12, 0)),
                                    endTime: milliseconds(at(12, 30)), description: "replaced", detailURLs: [NamedURL("new", "http://new")],
                                    tags: [Tag("env", ["staging"])]))
        XCTAssertEqual(store.tycho("get", ["deploy"]).out, run.out)
        XCTAssertEqual(store.queryIDs(["--tag", "env:prod"]), [])
        XCTAssertEqual(store.queryIDs(["--tag", "env:staging"]), ["deploy"])
        // Fields not given stay; empty ones given replace.
        let partial = store.post(eventJSON(id: "deploy", description: "", tags: []), ["--operation", "update"])
        XCTAssertEqual(partial.status, 0, partial.err)
        let after = try stored(store, "deploy")
        XCTAssertEqual(after.description, "")
        XCTAssertEqual(after.tags, [])
        XCTAssertEqual(after.detailURLs, [NamedURL("new", "http://new")])
        XCTAssertEqual(after.startTime, milliseconds(at(12, 0)))
        // Update still validates.
        let tooLong = store.post(eventJSON(id: "deploy", source: String(repeating: "s", count: 101)), ["--operation", "update"])
        XCTAssertEqual(tooLong.status, 1)
        XCTAssertTrue(tooLong.err.contains("source_id"), tooLong.err)
        XCTAssertEqual(try stored(store, "deploy").sourceID, "jenkins-1")
        // Times whose UTC form is not storable are refused by update and merge as well.
        for operation in ["update", "merge"] {
            let tooLate = store.post(eventJSON(id: "deploy", end: "9999-12-31T23:30:00-01:00"), ["--operation", operation])
            XCTAssertEqual(tooLate.status, 1, operation)
            XCTAssertTrue(tooLate.err.contains("end_time"), tooLate.err)
        }
        XCTAssertEqual(store.tycho("check").status, 0)
    }

    func testMergeStillValidates() throws {
        let store = try storeWithDeploy()
        let before = store.logBytes()
        let run = store.post(eventJSON(id: "deploy", tags: [("env", [String(repeating: "x", count: 201)])]))
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.err.contains("200"), run.err)
        XCTAssertEqual(store.logBytes(), before)
    }

    func testAnUnknownIDIsRefusedWithoutInsertAndCreatedWithIt() throws {
        let store = try storeWithDeploy()
        let before = store.logBytes()
        for operation in [[], ["--operation", "merge"], ["--operation", "update"]] {
            let run = store.post(eventJSON(id: "new-one", start: at(10, 0), description: "hello"), operation)
            XCTAssertEqual(run.status, 1, "\(operation): \(run.out)")
            XCTAssertEqual(run.out, "")
            XCTAssertTrue(run.err.contains("new-one"), run.err)
            XCTAssertEqual(store.logBytes(), before, "\(operation): a refused post wrote something")
            XCTAssertNil(store.get("new-one"))
        }
        let inserted = store.post(eventJSON(id: "new-one", start: at(10, 0), description: "hello"), ["--insert"])
        XCTAssertEqual(inserted.status, 0, inserted.err)
        XCTAssertEqual(store.get("new-one")?["description"] as? String, "hello")
        // With --insert an event that exists is changed as usual.
        let merged = store.post(eventJSON(id: "new-one", description: "again"), ["--insert"])
        XCTAssertEqual(merged.objects.first?["description"] as? String, "hello\nagain")
        // --insert applies the creation rules: one time means both, none means now, limits.
        let updateInsert = store.post(eventJSON(id: "inserted-by-update", end: at(11, 0)), ["--operation", "update", "--insert"])
        XCTAssertEqual(updateInsert.status, 0, updateInsert.err)
        XCTAssertEqual(updateInsert.objects.first?["start_time"] as? String, at(11, 0))
        let clock: Int64 = 1_714_557_600_000
        let outcome = try store.writer(now: clock).change([EventDraft(id: "timeless")], operation: .merge, insert: true)
        XCTAssertEqual(try outcome[0].get().startTime, clock)
        XCTAssertEqual(try outcome[0].get().endTime, clock)
        let bad = store.post(eventJSON(id: String(repeating: "i", count: 101)), ["--insert"])
        XCTAssertEqual(bad.status, 1)
        // A post without an id is refused whatever the options.
        let noID = store.post(eventJSON(description: "whose?"), ["--insert"])
        XCTAssertEqual(noID.status, 1)
        XCTAssertTrue(noID.err.contains("id"), noID.err)
    }

    func testAnyOtherOperationIsAUsageError() throws {
        let store = try storeWithDeploy()
        let before = store.logBytes()
        for options in [["--operation", "other"], ["--operation", "MERGE"], ["--operation", ""], ["--operation"]] {
            let run = store.post(eventJSON(id: "deploy", description: "never"), options)
            XCTAssertEqual(run.status, 2, "\(options): \(run.err)")
            XCTAssertEqual(run.out, "")
            XCTAssertTrue(run.err.contains("usage: tycho post"), run.err)
        }
        XCTAssertEqual(store.logBytes(), before)
    }

    /// A batch sees its own earlier changes, and the printed results follow the input.
    func testABatchAppliesInOrder() throws {
        let store = try storeWithDeploy()
        let run = store.post([eventJSON(id: "deploy", description: "one"), eventJSON(id: "deploy", description: "two"),
                              eventJSON(id: "missing", description: "no"), eventJSON(id: "deploy", tags: [("env", ["eu"])])].joined(separator: "\n"))
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.ids, ["deploy", "deploy", "deploy"])
        XCTAssertEqual(run.objects.last?["description"] as? String, "deploy web to prod\none\ntwo")
        XCTAssertEqual(try stored(store, "deploy").description, "deploy web to prod\none\ntwo")
        XCTAssertEqual(try stored(store, "deploy").values(of: "env"), ["prod", "eu"])
    }
}
