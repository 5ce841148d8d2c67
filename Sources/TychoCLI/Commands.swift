import Foundation
import TychoModel

/// The non-interactive commands.
enum Commands {
    static func load(_ context: CommandContext, _ err: inout String) throws -> EventStore {
        let store: EventStore
        do {
            store = try EventLoader.load(directory: context.dataDirectory)
        } catch {
            throw CommandFailure(message: error.description)
        }
        if !store.problems.isEmpty {
            err += "tycho: warning: \(store.problems.count == 1 ? "1 line could not be read and was" : "\(store.problems.count) lines could not be read and were") skipped (see `tycho check`)\n"
        }
        return store
    }

    static func query(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let arguments = context.arguments
        var tags: [TagTerm] = []
        for text in arguments.all("--tag") {
            guard let term = TagTerm(parsing: text), !term.key.isEmpty, !term.value.isEmpty else {
                throw UsageError(message: "--tag needs KEY:VALUE, not \(shown(text))")
            }
            tags.append(term)
        }
        var filter = EventFilter()
        if let text = arguments.value("--filter") {
            do {
                filter = try EventFilter(parsing: text, now: Int64(Date().timeIntervalSince1970 * 1000),
                                         utcOffsetSeconds: TimeZone.current.secondsFromGMT())
            } catch {
                throw UsageError(message: "--filter: \(error.message)")
            }
        }
        filter.tags += tags
        if let from = try arguments.value("--frm").map({ try time($0, option: "--frm") }) { filter.from = from }
        if let to = try arguments.value("--to").map({ try time($0, option: "--to") }) { filter.to = to }
        let count = try arguments.value("--count").map { try integer($0, option: "--count") } ?? 100
        let page = try arguments.value("--page").map { try integer($0, option: "--page") } ?? 1
        // Say what is wrong with the arguments before spending time on the data.
        guard count >= 0 else { throw UsageError(message: "--count must not be negative") }
        guard page >= 1 else { throw UsageError(message: "--page must be 1 or more") }
        let format = arguments.value("--format") ?? "json"
        guard ["json", "jsonl", "table"].contains(format) else { throw UsageError(message: "--format must be json, jsonl or table, not \(shown(format))") }
        let store = try load(context, &err)
        let records: [Int]
        do {
            records = try store.find(filter, count: count, page: page)
        } catch {
            throw UsageError(message: error.description)
        }
        switch format {
        case "jsonl": for record in records { out += EventJSON.encode(store.event(record)) + "\n" }
        case "table": out += table(records, store)
        default: out += "{\"result\": " + EventJSON.encodeList(records.map(store.event)) + ", \"count\": \(records.count)}\n"
        }
        return ExitStatus.success
    }

    /// A plain-text table for people: one event a line, control characters escaped.
    static func table(_ records: [Int], _ store: EventStore) -> String {
        var text = "START (UTC)          END (UTC)            STATUS   SOURCE       ID                                     DESCRIPTION\n"
        for record in records {
            let cells = [Timestamp.format(store.startTime(record)).prefix(19).replacingOccurrences(of: "T", with: " "),
                         Timestamp.format(store.endTime(record)).prefix(19).replacingOccurrences(of: "T", with: " "),
                         store.firstTagValue(record, key: "status"), store.firstTagValue(record, key: "source"), store.id(record)]
            let widths = [20, 20, 8, 12, 38]
            for (cell, width) in zip(cells, widths) { text += padded(visible(cell), width) + " " }
            text += visible(store.description(record)) + "\n"
        }
        return text
    }

    /// Text with control characters shown as escapes, for terminal output.
    static func visible(_ text: String) -> String { SafeText.visible(text) }

    static func get(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let (store, record) = try event(context, &err)
        out += EventJSON.encode(store.event(record)) + "\n"
        return ExitStatus.success
    }

    static func children(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let store = try load(context, &err)
        let id = context.arguments.positionals[0]
        let children = store.childRecords(ofID: id)
        guard store.record(id: id) != nil || !children.isEmpty else { throw CommandFailure(message: "no event with id \(shown(id))") }
        out += EventJSON.encodeList(children.map(store.event)) + "\n"
        return ExitStatus.success
    }

    static func impact(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let (store, record) = try event(context, &err)
        out += EventJSON.encodeTree(store.impact(record), store: store) + "\n"
        return ExitStatus.success
    }

    static func trace(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let (store, record) = try event(context, &err)
        out += EventJSON.encodeList(store.trace(record).map(store.event)) + "\n"
        return ExitStatus.success
    }

    static func tree(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let (store, record) = try event(context, &err)
        out += EventJSON.encodeTree(store.tree(record), store: store) + "\n"
        return ExitStatus.success
    }

    static func check(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let store: EventStore
        do {
            store = try EventLoader.load(directory: context.dataDirectory)
        } catch {
            throw CommandFailure(message: error.description)
        }
        // Not a bad line (a writer killed mid-line never said it wrote it, and the next writer
        // cuts it off), but a cut-off file looks the same: said, not counted.
        for unfinished in store.unfinishedLines { err += "tycho check: warning: \(unfinished.description); not counted\n" }
        for problem in store.problems { out += problem.description + "\n" }
        let files = Set(store.problems.map(\.file)).count
        if store.problems.isEmpty {
            out += "ok: \(counted(store.count, "event")) in \(counted(store.files.count, "file")), no bad lines\n"
            return ExitStatus.success
        }
        out += "\(counted(store.problems.count, "bad line")) in \(counted(files, "file")); \(counted(store.count, "event")) loaded from \(counted(store.files.count, "file"))\n"
        return ExitStatus.failure
    }

    // MARK: - Helpers

    static func event(_ context: CommandContext, _ err: inout String) throws -> (EventStore, Int) {
        let store = try load(context, &err)
        let id = context.arguments.positionals[0]
        guard let record = store.record(id: id) else { throw CommandFailure(message: "no event with id \(shown(id))") }
        return (store, record)
    }

    /// An ISO 8601 time, or anything the browser's `since:` takes (`2h`, `today`, `14:05`).
    static func time(_ text: String, option: String) throws(UsageError) -> Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        do {
            return try TimeExpression.parse(text, now: now, utcOffsetSeconds: TimeZone.current.secondsFromGMT())
        } catch {
            throw UsageError(message: "\(option) \(shown(text)): \(error.message)")
        }
    }

    static func integer(_ text: String, option: String) throws -> Int {
        guard let value = Int(text) else { throw UsageError(message: "\(option) needs a whole number, not \(shown(text))") }
        return value
    }

    /// `1 file`, `3 files`.
    static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// Text from the command line or the data, quoted and with control characters escaped.
    static func shown(_ text: String) -> String { SafeText.quoted(text) }
}
