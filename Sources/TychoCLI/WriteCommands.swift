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
        var status = ExitStatus.success
        for outcome in outcomes {
            switch outcome {
            case .success(let id): out += "deleted \(Commands.shown(id))\n"
            case .failure(let error):
                err += "tycho delete: \(error.description)\n"
                status = ExitStatus.failure
            }
        }
        return status
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

    /// Prints each written event as JSON and each refusal on stderr; 1 if any was refused.
    static func report(_ outcomes: [EventWriter.Outcome], command: String, _ out: inout String, _ err: inout String) -> Int32 {
        var status = ExitStatus.success
        for outcome in outcomes {
            switch outcome {
            case .success(let event): out += EventJSON.encode(event) + "\n"
            case .failure(let error):
                err += "tycho \(command): \(error.description)\n"
                status = ExitStatus.failure
            }
        }
        return status
    }
}
