import TychoModel

/// What the browser needs from the command line.
public struct BrowseOptions: Equatable, Sendable {
    public var dataDirectory: String
    /// The filter to open with: `--filter`, plus `at:T` from `--at`.
    public var filter: String = ""
}

/// What `tycho` should do after reading its arguments.
public enum Outcome: Equatable {
    /// Open the browser.
    case browse(BrowseOptions)
    /// A command ran (its output is written); exit with this status.
    case finished(Int32)
}

/// Exit statuses, the same for every command.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// Not found, or the data (or a query) is invalid.
    public static let failure: Int32 = 1
    public static let usage: Int32 = 2
}

/// The `tycho` command line: every command but the browser itself runs here, writing to
/// strings, so it is tested without starting a process.
public enum CommandLineTool {
    static let dataOption = OptionSpec("--data", value: "DIR", help: "the data directory (default: $TYCHO_DATA)")
    static let helpOption = OptionSpec("--help", help: "show this help")

    /// The commands, in the order `tycho --help` lists them.
    static let commands: [Command] = [
        Command(name: "query", summary: "events matching tags and a time range, newest first, one page",
                usage: "tycho query [--data DIR] [--tag K:V]... [--frm TIME] [--to TIME] [--filter VIEW] [--count N] [--page N] [--format json|jsonl|table]",
                options: [OptionSpec("--tag", value: "K:V", help: "a tag every event must have (repeatable)"),
                          filterOption,
                          OptionSpec("--format", value: "FORMAT", help: "json (Tycho's {\"result\": [...], \"count\": N}, the default), jsonl (one event per line) or table"),
                          OptionSpec("--frm", value: "TIME", help: "events still running at or after TIME (ISO 8601)"),
                          OptionSpec("--to", value: "TIME", help: "events that started before TIME (ISO 8601)"),
                          OptionSpec("--count", value: "N", help: "events per page (default 100)"),
                          OptionSpec("--page", value: "N", help: "which page, from 1 (default 1)")],
                positionals: 0...0, run: Commands.query),
        Command(name: "get", summary: "one event", usage: "tycho get [--data DIR] ID", options: [], positionals: 1...1, run: Commands.get),
        Command(name: "children", summary: "the direct children of an event, oldest first",
                usage: "tycho children [--data DIR] ID", options: [], positionals: 1...1, run: Commands.children),
        Command(name: "impact", summary: "the whole subtree under an event",
                usage: "tycho impact [--data DIR] ID", options: [], positionals: 1...1, run: Commands.impact),
        Command(name: "trace", summary: "an event and its parents up to the root",
                usage: "tycho trace [--data DIR] ID", options: [], positionals: 1...1, run: Commands.trace),
        Command(name: "tree", summary: "the whole tree an event belongs to (its root's impact)",
                usage: "tycho tree [--data DIR] ID", options: [], positionals: 1...1, run: Commands.tree),
        Command(name: "check", summary: "list every line that could not be read",
                usage: "tycho check [--data DIR]", options: [], positionals: 0...0, run: Commands.check),
        Command(name: "put", summary: "create events (an id that exists is refused)",
                usage: "tycho put [--data DIR] [FILE|-]", options: [], positionals: 0...1, run: WriteCommands.put),
        Command(name: "post", summary: "change existing events (merge, or update the fields given)",
                usage: "tycho post [--data DIR] [--operation merge|update] [--insert] [FILE|-]",
                options: [OptionSpec("--operation", value: "OP", help: "merge (default): widen times, append the description, merge links and tags; update: replace the fields given"),
                          OptionSpec("--insert", help: "create an event whose id is unknown instead of refusing it")],
                positionals: 0...1, run: WriteCommands.post),
        Command(name: "delete", summary: "delete events by id", usage: "tycho delete [--data DIR] ID...",
                options: [], positionals: 1...Int.max, run: WriteCommands.delete),
        Command(name: "compact", summary: "rewrite the data files to their current events only",
                usage: "tycho compact [--data DIR]", options: [], positionals: 0...0, run: WriteCommands.compact),
    ]

    static let browseUsage = "tycho [--data DIR] [--filter VIEW] [--at TIME]"
    static let filterOption = OptionSpec("--filter", value: "VIEW", help: "a filter, as the browser's / takes it (e.g. \"service:checkout environment:production since:2h\")")
    static let atOption = OptionSpec("--at", value: "TIME", help: "anchor at TIME (14:05 today local, or ISO): the window around it")

    /// Runs `arguments` (without the program name).
    /// `input` reads what a write command is given on standard input.
    public static func run(_ arguments: [String], environment: [String: String], out: inout String, err: inout String,
                           input: @escaping () -> [UInt8] = { [] }) -> Outcome {
        // The command is the first word that is not an option; `--data DIR` may come before it.
        let takesValue: Set = ["--data", "--filter", "--at"]
        var index = 0, lastValueOf: String?
        while index < arguments.count, arguments[index].hasPrefix("-"), arguments[index] != "-" {
            if takesValue.contains(arguments[index]) {
                if index + 1 < arguments.count, takesValue.contains(arguments[index + 1]) {
                    err += "tycho: \(arguments[index]) needs a value before \(arguments[index + 1])\nusage: \(browseUsage)\n"
                    return .finished(ExitStatus.usage)
                }
                lastValueOf = arguments[index] == "--data" ? nil : arguments[index]  // a filter or a time may hold spaces
                index += 2
            } else {
                lastValueOf = nil
                index += 1
            }
        }
        if index < arguments.count, let command = commands.first(where: { $0.name == arguments[index] }) {
            var rest = arguments
            rest.remove(at: index)
            return .finished(run(command, rest, environment: environment, out: &out, err: &err, input: input))
        }
        if index < arguments.count, let option = lastValueOf, commands.allSatisfy({ $0.name != arguments[index] }) {
            // `--at 2026-12-01 11:25`: the shell split one value in two.
            err += "tycho: \(Commands.shown(arguments[index])) after \(option) \(Commands.shown(arguments[index - 1])): an option takes one value; quote a value with spaces (\(option) '\(arguments[index - 1]) \(arguments[index])')\nusage: \(browseUsage)\n"
            return .finished(ExitStatus.usage)
        }
        if index < arguments.count, let word = Optional(arguments[index]) {
            err += "tycho: unknown command '\(word)'\nusage: \(browseUsage)\n       tycho COMMAND --help (commands: \(commands.map(\.name).joined(separator: ", ")))\n"
            return .finished(ExitStatus.usage)
        }
        do throws(UsageError) {
            let parsed = try parseArguments(arguments, options: [dataOption, filterOption, atOption, helpOption], positionals: 0...0)
            if parsed.has("--help") {
                out += mainHelp()
                return .finished(ExitStatus.success)
            }
            var filter = parsed.value("--filter") ?? ""
            if let at = parsed.value("--at") {
                guard !at.isEmpty else { throw UsageError(message: "--at needs a time such as 14:05 or 2026-12-03T14:05Z") }
                // Refused here, before the screen is taken; a time with a space (as the data
                // writes them) goes into the filter in its exact form, which has none.
                let time = try Commands.time(at, option: "--at")
                // --at moves the anchor of a pasted view (`--filter "at:... window:..." --at 14:05`).
                filter = EventFilter.removingTerms("at", from: filter)
                filter += (filter.isEmpty ? "" : " ") + "at:" + (at.contains(" ") ? Timestamp.format(time) : at)
            }
            return .browse(BrowseOptions(dataDirectory: try dataDirectory(parsed, environment), filter: filter))
        } catch {
            err += "tycho: \(error.message)\nusage: \(browseUsage)\n"
            return .finished(ExitStatus.usage)
        }
    }

    private static func run(_ command: Command, _ arguments: [String], environment: [String: String], out: inout String, err: inout String,
                            input: @escaping () -> [UInt8]) -> Int32 {
        do {
            let parsed = try parseArguments(arguments, options: command.options + [dataOption, helpOption], positionals: command.positionals)
            if parsed.has("--help") {
                out += command.help(extra: [dataOption, helpOption])
                return ExitStatus.success
            }
            let context = CommandContext(arguments: parsed, dataDirectory: try dataDirectory(parsed, environment), input: input)
            return try command.run(context, &out, &err)
        } catch let error as UsageError {
            err += "tycho \(command.name): \(error.message)\nusage: \(command.usage)\n"
            return ExitStatus.usage
        } catch let error as CommandFailure {
            err += "tycho \(command.name): \(error.message)\n"
            return ExitStatus.failure
        } catch {
            err += "tycho \(command.name): \(error)\n"
            return ExitStatus.failure
        }
    }

    static func dataDirectory(_ arguments: Arguments, _ environment: [String: String]) throws(UsageError) -> String {
        if let directory = arguments.value("--data"), !directory.isEmpty { return directory }
        if let directory = environment["TYCHO_DATA"], !directory.isEmpty { return directory }
        throw UsageError(message: "no data directory: pass --data DIR or set TYCHO_DATA")
    }

    static func mainHelp() -> String {
        var text = """
        tycho: browse operational change events (deploys, upgrades, config pushes) and their causal trees.

        usage: \(browseUsage)
                                          open the browser (press ? inside for keys)
               tycho COMMAND [--data DIR] ...   print JSON for scripts

        commands:

        """
        for command in commands { text += "  \(padded(command.name, 10)) \(command.summary)\n" }
        text += "\nThe data directory holds *.jsonl files, one event per line; --data DIR or $TYCHO_DATA names it.\n"
        text += "Exit status: 0 success, 1 not found or invalid data, 2 usage error.\n"
        return text
    }
}

/// One subcommand: its name, usage line, options and what it does.
struct Command: Sendable {
    let name: String
    let summary: String
    let usage: String
    let options: [OptionSpec]
    let positionals: ClosedRange<Int>
    let run: @Sendable (CommandContext, inout String, inout String) throws -> Int32

    func help(extra: [OptionSpec]) -> String {
        var text = "usage: \(usage)\n\n\(summary)\n\noptions:\n"
        for option in options + extra {
            let left = option.name + (option.valueName.map { " " + $0 } ?? "")
            text += "  \(padded(left, 16)) \(option.help)\n"
        }
        return text
    }
}

/// A command's parsed arguments and data directory.
struct CommandContext {
    let arguments: Arguments
    let dataDirectory: String
    /// Standard input, for write commands given `-` or no file.
    var input: () -> [UInt8] = { [] }
}

/// A command that could not do what was asked: exit status 1 with this message.
struct CommandFailure: Error {
    let message: String
}

/// `text` followed by spaces up to `width` characters.
func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
