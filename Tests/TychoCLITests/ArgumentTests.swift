import Testing
import TychoCLI

/// Arguments common to every command: `--data` anywhere (or `$TYCHO_DATA`), `--help`, and
/// usage errors (exit 2 with a usage line on stderr).
@Suite struct ArgumentTests {
    static let readCommands = ["query", "get", "children", "impact", "trace", "tree", "check"]

    /// Arguments that make each command succeed on the standard data.
    static func valid(_ command: String) -> [String] {
        ["query", "check"].contains(command) ? [command] : [command, "build-1"]
    }

    // MARK: - The data directory

    @Test(arguments: readCommands)
    func dataOptionWorksAnywhere(_ command: String) throws {
        let data = try CommandLineFixture()
        let arguments = Self.valid(command)
        let expected = CommandRun(arguments + ["--data", data.directory])
        #expect(expected.status == 0, "\(expected.err)")
        let placements = [
            ["--data", data.directory] + arguments,
            [arguments[0], "--data", data.directory] + arguments.dropFirst(),
            arguments + ["--data=\(data.directory)"],
            ["--data=\(data.directory)"] + arguments,
        ]
        for placed in placements {
            let run = CommandRun(placed)
            #expect(run.status == 0, "\(placed): \(run.err)")
            #expect(run.out == expected.out, "\(placed)")
        }
    }

    @Test(arguments: readCommands)
    func dataDefaultsToTheEnvironment(_ command: String) throws {
        let data = try CommandLineFixture()
        let run = CommandRun(Self.valid(command), environment: ["TYCHO_DATA": data.directory])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == data.run(Self.valid(command)).out)
    }

    @Test func dataOptionOverridesTheEnvironment() throws {
        let data = try CommandLineFixture()
        let run = CommandRun(["get", "build-1", "--data", data.directory], environment: ["TYCHO_DATA": "/nonexistent/elsewhere"])
        #expect(run.status == 0, "\(run.err)")
    }

    @Test(arguments: readCommands)
    func noDataDirectoryIsAUsageError(_ command: String) {
        for environment in [[:], ["TYCHO_DATA": ""]] {
            let run = CommandRun(Self.valid(command), environment: environment)
            #expect(run.status == 2)
            #expect(run.out == "")
            #expect(run.err.contains("--data"), "says how to give one: \(run.err)")
            #expect(run.err.contains("TYCHO_DATA"), "\(run.err)")
            #expect(run.err.contains("usage: tycho \(command)"), "\(run.err)")
        }
    }

    @Test func browserOpensOnTheDataDirectory() {
        #expect(CommandRun(["--data", "/some/dir"]).browseDirectory == "/some/dir")
        #expect(CommandRun(["--data=/some/dir"]).browseDirectory == "/some/dir")
        #expect(CommandRun([], environment: ["TYCHO_DATA": "/from/env"]).browseDirectory == "/from/env")
        #expect(CommandRun(["--data", "/some/dir"], environment: ["TYCHO_DATA": "/from/env"]).browseDirectory == "/some/dir")
        let none = CommandRun([])
        #expect(none.status == 2)
        #expect(none.err.split(separator: "\n").first?.contains("--data") == true, "a one-line error saying how: \(none.err)")
        #expect(none.err.contains("usage: tycho"))
    }

    // MARK: - Help and usage errors

    @Test(arguments: readCommands)
    func helpOnEveryCommand(_ command: String) {
        for flag in ["--help", "-h"] {
            let run = CommandRun([command, flag])
            #expect(run.status == 0)
            #expect(run.out.hasPrefix("usage: tycho \(command)"), "\(run.out)")
            #expect(run.out.contains("--data DIR"))
            #expect(run.err == "")
        }
    }

    @Test func atTakesTheTimesTheQueryCommandsTakeAndRefusesTheRestBeforeTheScreen() {
        func filter(_ arguments: [String]) -> String? {
            if case .browse(let options) = CommandRun(arguments).outcome { return options.filter }
            return nil
        }
        #expect(filter(["--data", "/d", "--at", "14:05"]) == "at:14:05")
        #expect(filter(["--data", "/d", "--at", "2026-12-02T15:40Z", "--filter", "env:prod"]) == "env:prod at:2026-12-02T15:40Z")
        // The form the data files use, with a space, reaches the filter without one.
        #expect(filter(["--data", "/d", "--at", "2026-12-02 15:40:00+00:00"]) == "at:2026-12-02T15:40:00+00:00")
        // --at moves the anchor of a view pasted with --filter, keeping the rest as written.
        #expect(filter(["--data", "/d", "--filter", "at:10:00 window:10m environment:production", "--at", "11:25"]) == "window:10m environment:production at:11:25")
        let garbage = CommandRun(["--data", "/d", "--at", "garbage"])
        #expect(garbage.status == ExitStatus.usage)
        #expect(garbage.err.contains("--at 'garbage'"), "\(garbage.err)")
    }

    @Test func aValueTheShellSplitIsNamedWithHowToQuoteIt() {
        let split = CommandRun(["--data", "/d", "--at", "2026-12-01", "11:25"])
        #expect(split.status == ExitStatus.usage)
        #expect(split.err.hasPrefix("tycho: '11:25' after --at '2026-12-01': an option takes one value; quote a value with spaces (--at '2026-12-01 11:25')"), "\(split.err)")
        let filter = CommandRun(["--filter", "service:a", "since:2h", "--data", "/d"])
        #expect(filter.err.contains("(--filter 'service:a since:2h')"), "\(filter.err)")
        let missing = CommandRun(["--at", "--data", "/d"])
        #expect(missing.status == ExitStatus.usage)
        #expect(missing.err.hasPrefix("tycho: --at needs a value before --data"), "\(missing.err)")
        // After --data, a word is a command, misspelt or not.
        #expect(CommandRun(["--data", "/d", "quer"]).err.hasPrefix("tycho: unknown command 'quer'"))
    }

    @Test func mainHelpListsEveryCommand() {
        let run = CommandRun(["--help"])
        #expect(run.status == 0)
        for command in Self.readCommands {
            #expect(run.out.contains("\n  \(command) "), "\(command)")
        }
    }

    @Test(arguments: readCommands)
    func unknownOptionIsAUsageError(_ command: String) throws {
        let data = try CommandLineFixture()
        let run = data.run(Self.valid(command) + ["--bogus"])
        #expect(run.status == 2)
        #expect(run.out == "")
        #expect(run.err.contains("--bogus"), "\(run.err)")
        let usage = try #require(run.err.split(separator: "\n").first { $0.hasPrefix("usage: ") })
        #expect(usage.hasPrefix("usage: tycho \(command)"))
    }

    @Test func unknownCommandIsAUsageError() {
        let run = CommandRun(["frobnicate", "--data", "/tmp"])
        #expect(run.status == 2)
        #expect(run.err.contains("frobnicate"))
        #expect(run.err.contains("usage: tycho"))
    }

    @Test func flagGivenAValueIsAUsageError() throws {
        let data = try CommandLineFixture()
        let run = data.run(["check", "--help=yes"])
        #expect(run.status == 2)
        #expect(run.err.contains("usage: tycho check"))
    }

    @Test func doubleDashEndsOptions() throws {
        let data = try CommandLineFixture(["a.jsonl": "{\"id\": \"--odd\", \"start_time\": \"2020-01-01T00:00:00Z\"}\n"])
        let run = CommandRun(["get", "--data", data.directory, "--", "--odd"])
        #expect(run.status == 0, "\(run.err)")
        #expect(try tychoEvent(run.json())["id"] as? String == "--odd")
    }
}
