import Foundation
import TychoModel

/// The commands that change a data directory: put, post, delete, compact.
enum WriteCommands {
    static func writer(_ context: CommandContext) -> EventWriter {
        EventWriter(directory: context.dataDirectory, now: { Int64(Date().timeIntervalSince1970 * 1000) },
                    newID: { UUID().uuidString.lowercased() })
    }

    static func put(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let drafts = try readDrafts(context)
        return report(try write { () throws(WriteError) in try writer(context).create(drafts) }, command: "put", &out, &err)
    }

    static func post(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let name = context.arguments.value("--operation") ?? "merge"
        guard let operation = ChangeOperation(rawValue: name) else {
            throw UsageError(message: "--operation must be merge or update, not \(Commands.shown(name))")
        }
        let drafts = try readDrafts(context)
        let insert = context.arguments.has("--insert")
        return report(try write { () throws(WriteError) in try writer(context).change(drafts, operation: operation, insert: insert) }, command: "post", &out, &err)
    }

    static func delete(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let outcomes = try write { () throws(WriteError) in try writer(context).delete(context.arguments.positionals) }
        return report(outcomes.map { $0.map { "deleted \(Commands.shown($0))" } }, command: "delete", noun: "event", done: "deleted", &out, &err)
    }

    static func compact(_ context: CommandContext, _ out: inout String, _ err: inout String) throws -> Int32 {
        let result = try write { () throws(WriteError) in try writer(context).compact() }
        out += "compacted: \(result.events) events from \(result.linesBefore) lines; \(result.filesRewritten) files rewritten, \(result.filesRemoved) removed\n"
        return ExitStatus.success
    }

    // MARK: - Helpers

    /// Events from FILE, or from standard input for `-` or no argument.
    static func readDrafts(_ context: CommandContext) throws -> [EventDraft] {
        let bytes: [UInt8]
        if let path = context.arguments.positionals.first, path != "-" {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(message: "cannot read \(Commands.shown(path))")
            }
            bytes = [UInt8](data)
        } else {
            bytes = context.input()
        }
        do {
            return try EventDraft.parseInput(bytes)
        } catch {
            throw CommandFailure(message: error.description)
        }
    }

    static func write<T>(_ body: () throws(WriteError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw CommandFailure(message: error.description)
        }
    }

    /// Prints each written event as JSON and each refusal on stderr; 1 if any was refused. The
    /// events of a batch are written or refused one by one (as Tycho's API takes them), so a
    /// batch with refusals says how many were written all the same.
    static func report(_ outcomes: [EventWriter.Outcome], command: String, _ out: inout String, _ err: inout String) -> Int32 {
        report(outcomes.map { $0.map { EventJSON.encode($0) } }, command: command, noun: "event", done: "written", &out, &err)
    }

    static func report(_ outcomes: [Result<String, WriteError>], command: String, noun: String, done: String, _ out: inout String, _ err: inout String) -> Int32 {
        var written = 0
        for (k, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let line):
                out += line + "\n"
                written += 1
            case .failure(let error):
                let which = outcomes.count > 1 ? "\(noun) \(k + 1) of \(outcomes.count): " : ""
                err += "tycho \(command): \(which)\(error.description)\n"
            }
        }
        guard written < outcomes.count else { return ExitStatus.success }
        if written > 0 {
            err += "tycho \(command): \(written) of \(outcomes.count) \(noun)s \(done); only the refused ones above were not\n"
        }
        return ExitStatus.failure
    }
}
