#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A write that was refused; nothing of the event it names was written.
public struct WriteError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

/// How `post` changes an existing event.
public enum ChangeOperation: String, Sendable {
    /// Times widen, the description is appended, links and tags are merged; ids must agree.
    case merge
    /// Every field given replaces the stored one.
    case update
}

/// Writes to a data directory with Tycho's semantics, as an append-only log.
///
/// Every change is a new line in `tycho-writes.jsonl` (an update or a deletion is a new line,
/// never an edit). A writer holds an exclusive lock on `.tycho.lock` while it reads the
/// current events, appends, and fsyncs, so writers in many processes never interleave.
public struct EventWriter {
    public static let logName = "tycho-writes.jsonl"
    static let lockName = ".tycho.lock"

    public let directory: String
    /// The clock for events given no time, and a source of fresh ids.
    let now: () -> Int64
    let newID: () -> String

    public init(directory: String, now: @escaping () -> Int64, newID: @escaping () -> String) {
        self.directory = directory
        self.now = now
        self.newID = newID
    }

    /// The outcome of one event of a batch: written (as this event), or refused (why).
    public typealias Outcome = Result<Event, WriteError>

    // MARK: - Commands

    /// `put`: creates each event; an id that exists is refused.
    public func create(_ drafts: [EventDraft]) throws(WriteError) -> [Outcome] {
        try withLock { store in
            var taken: Set<String> = []
            return drafts.map { draft -> (Outcome, String?) in
                do {
                    let event = try newEvent(from: draft)
                    guard store.record(id: event.id) == nil, taken.insert(event.id).inserted else {
                        throw WriteError(description: "id '\(event.id)' already exists")
                    }
                    return (.success(event), EventJSON.encode(event))
                } catch {
                    return (.failure(error as? WriteError ?? WriteError(description: "\(error)")), nil)
                }
            }
        }
    }

    /// `post`: changes existing events by `operation`; an unknown id is created only with `insert`.
    public func change(_ drafts: [EventDraft], operation: ChangeOperation, insert: Bool) throws(WriteError) -> [Outcome] {
        try withLock { store in
            var changed: [String: Event] = [:]  // earlier drafts of this batch, by id
            return drafts.map { draft -> (Outcome, String?) in
                do {
                    guard let id = draft.id, !id.isEmpty else { throw WriteError(description: "an event to change needs its id") }
                    let current = changed[id] ?? store.record(id: id).map(store.event)
                    let event: Event
                    if let current {
                        event = operation == .merge ? try merged(current, draft) : updated(current, draft)
                        try validate(event)
                    } else {
                        guard insert else { throw WriteError(description: "no event with id '\(id)' (add --insert to create it)") }
                        event = try newEvent(from: draft)
                    }
                    changed[id] = event
                    return (.success(event), EventJSON.encode(event))
                } catch {
                    return (.failure(error as? WriteError ?? WriteError(description: "\(error)")), nil)
                }
            }
        }
    }

    /// `delete`: removes events from every query; an unknown id is refused.
    public func delete(_ ids: [String]) throws(WriteError) -> [Result<String, WriteError>] {
        let outcomes = try withLock { store in
            var deleted: Set<String> = []
            return ids.map { id -> (Outcome, String?) in
                guard store.record(id: id) != nil, deleted.insert(id).inserted else {
                    return (.failure(WriteError(description: "no event with id '\(id)'")), nil)
                }
                var line = "{\"delete\": "
                EventJSON.appendString(id, to: &line)
                line += ", \"time\": \"\(Timestamp.format(now()))\"}"
                return (.success(Event(id: id, startTime: 0, endTime: 0)), line)
            }
        }
        return outcomes.map { $0.map(\.id) }
    }

    // MARK: - Rules

    /// A new event from a draft: a fresh id if none, one time given means both, none means now.
    func newEvent(from draft: EventDraft) throws -> Event {
        let start = draft.startTime ?? draft.endTime ?? now()
        let event = Event(id: draft.id ?? newID(), parentID: draft.parentID ?? "", sourceID: draft.sourceID ?? "",
                          startTime: start, endTime: draft.endTime ?? start, description: draft.description ?? "",
                          detailURLs: draft.detailURLs ?? [], tags: draft.tags ?? [])
        try validate(event)
        return event
    }

    func merged(_ current: Event, _ draft: EventDraft) throws -> Event {
        var event = current
        for (name, old, new) in [("parent_id", current.parentID, draft.parentID), ("source_id", current.sourceID, draft.sourceID)] {
            if let new, !new.isEmpty, !old.isEmpty, new != old {
                throw WriteError(description: "\(name) clash for '\(current.id)': stored '\(old)', given '\(new)'")
            }
        }
        if let parent = draft.parentID, !parent.isEmpty { event.parentID = parent }
        if let source = draft.sourceID, !source.isEmpty { event.sourceID = source }
        if let start = draft.startTime ?? draft.endTime { event.startTime = min(event.startTime, start) }
        if let end = draft.endTime ?? draft.startTime { event.endTime = max(event.endTime, end) }
        if let text = draft.description, !text.isEmpty, !event.description.contains(text) {
            event.description = event.description.isEmpty ? text : event.description + "\n" + text
        }
        for link in draft.detailURLs ?? [] {
            if let k = event.detailURLs.firstIndex(where: { $0.name == link.name }) { event.detailURLs[k].url = link.url } else { event.detailURLs.append(link) }
        }
        for tag in draft.tags ?? [] {
            if let k = event.tags.firstIndex(where: { $0.key == tag.key }) {
                for value in tag.values where !event.tags[k].values.contains(value) { event.tags[k].values.append(value) }
            } else {
                event.tags.append(tag)
            }
        }
        return event
    }

    func updated(_ current: Event, _ draft: EventDraft) -> Event {
        var event = current
        if let parent = draft.parentID { event.parentID = parent }
        if let source = draft.sourceID { event.sourceID = source }
        if let start = draft.startTime { event.startTime = start }
        if let end = draft.endTime { event.endTime = end }
        if let description = draft.description { event.description = description }
        if let links = draft.detailURLs { event.detailURLs = links }
        if let tags = draft.tags { event.tags = tags }
        return event
    }

    /// The times a log line can hold: 0000-01-01 to the end of 9999, UTC.
    static let storableTimes = Timestamp.milliseconds(year: 0, month: 1, day: 1)...(Timestamp.milliseconds(year: 10000, month: 1, day: 1) - 1)

    /// Tycho's limits: a non-empty id of at most 100 characters, parent and source ids of at
    /// most 100, tag values of at most 200.
    func validate(_ event: Event) throws(WriteError) {
        guard !event.id.isEmpty else { throw WriteError(description: "id must not be empty") }
        guard event.id.unicodeScalars.count <= 100 else { throw WriteError(description: "id is longer than 100 characters") }
        guard event.parentID.unicodeScalars.count <= 100 else { throw WriteError(description: "parent_id is longer than 100 characters") }
        guard event.sourceID.unicodeScalars.count <= 100 else { throw WriteError(description: "source_id is longer than 100 characters") }
        // Times are stored as `YYYY-MM-DDT...+00:00`: outside these years the line could not be read back.
        for (name, time) in [("start_time", event.startTime), ("end_time", event.endTime)] where !Self.storableTimes.contains(time) {
            throw WriteError(description: "\(name) \(Timestamp.format(time)) is outside the years 0000 to 9999 (UTC)")
        }
        for tag in event.tags {
            guard !tag.key.isEmpty else { throw WriteError(description: "a tag name must not be empty") }
            for value in tag.values where value.unicodeScalars.count > 200 {
                throw WriteError(description: "tag '\(tag.key)' has a value longer than 200 characters")
            }
        }
    }

    // MARK: - The log

    /// Runs `body` under the directory's write lock with the current events, then appends the
    /// lines it returns in one write and fsyncs before returning.
    func withLock(_ body: (EventStore) throws -> [(Outcome, String?)]) throws(WriteError) -> [Outcome] {
        let lock = open(directory + "/" + Self.lockName, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw WriteError(description: "cannot open the lock file in \(directory): \(errorText())") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw WriteError(description: "cannot lock \(directory): \(errorText())") }
        }
        let log = open(directory + "/" + Self.logName, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw WriteError(description: "cannot open \(Self.logName): \(errorText())") }
        defer { close(log) }
        try repairTornTail(log)
        let store: EventStore
        let results: [(Outcome, String?)]
        do {
            store = try EventLoader.load(directory: directory)
            results = try body(store)
        } catch let error as WriteError {
            throw error
        } catch {
            throw WriteError(description: "\(error)")
        }
        let text = results.compactMap(\.1).map { $0 + "\n" }.joined()
        if !text.isEmpty {
            var status = stat()
            let isNew = fstat(log, &status) == 0 && status.st_size == 0
            try writeAll(Array(text.utf8), to: log)
            guard fsync(log) == 0 else { throw WriteError(description: "fsync failed: \(errorText())") }
            // A new log's directory entry must be on disk too, or a crash can lose the whole file.
            if isNew {
                let parent = open(directory, O_RDONLY | O_CLOEXEC)
                guard parent >= 0 else { throw WriteError(description: "cannot open \(directory): \(errorText())") }
                defer { close(parent) }
                guard fsync(parent) == 0 else { throw WriteError(description: "cannot sync \(directory): \(errorText())") }
            }
        }
        return results.map(\.0)
    }

    /// A writer killed mid-line leaves a last line without its newline; no one else writes under
    /// the lock, so it can only be that. Cut it off (it never reported success).
    private func repairTornTail(_ log: Int32) throws(WriteError) {
        var status = stat()
        guard fstat(log, &status) == 0 else { throw WriteError(description: "cannot stat \(Self.logName): \(errorText())") }
        let size = Int(status.st_size)
        guard size > 0 else { return }
        var last: UInt8 = 0
        guard pread(log, &last, 1, off_t(size - 1)) == 1 else { throw WriteError(description: "cannot read \(Self.logName): \(errorText())") }
        guard last != Byte.newline else { return }
        var position = size - 1
        var chunk = [UInt8](repeating: 0, count: 4096)
        var cut = 0
        search: while position > 0 {
            let start = max(0, position - chunk.count)
            let got = chunk.withUnsafeMutableBytes { pread(log, $0.baseAddress, position - start, off_t(start)) }
            guard got > 0 else { break }
            for k in stride(from: got - 1, through: 0, by: -1) where chunk[k] == Byte.newline {
                cut = start + k + 1
                break search
            }
            position = start
        }
        guard ftruncate(log, off_t(cut)) == 0, fsync(log) == 0 else { throw WriteError(description: "cannot repair \(Self.logName): \(errorText())") }
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(WriteError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw WriteError(description: "write failed: \(errorText())")
            }
            written += result
        }
    }
}
