/// A command's arguments after parsing: option values by name, flags, and positionals.
public struct Arguments: Equatable, Sendable {
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []

    /// The last value given for `option`.
    public func value(_ option: String) -> String? { values[option]?.last }
    public func all(_ option: String) -> [String] { values[option] ?? [] }
    public func has(_ flag: String) -> Bool { flags.contains(flag) }
}

/// An option a command accepts.
public struct OptionSpec: Sendable {
    public let name: String
    public let valueName: String?
    public let help: String

    public init(_ name: String, value valueName: String? = nil, help: String) {
        self.name = name
        self.valueName = valueName
        self.help = help
    }
}

/// A mistake in how a command was called: exit status 2 with the usage line.
public struct UsageError: Error, Equatable {
    public let message: String
}

/// Parses `arguments` against `options`: `--name value`, `--name=value`, flags, `--` ending
/// options, and at most `maximumPositionals` other words.
public func parseArguments(_ arguments: [String], options: [OptionSpec], positionals: ClosedRange<Int>) throws(UsageError) -> Arguments {
    var result = Arguments()
    var index = 0
    var onlyPositionals = false
    while index < arguments.count {
        let word = arguments[index]
        index += 1
        if onlyPositionals || !word.hasPrefix("-") || word == "-" {
            result.positionals.append(word)
            continue
        }
        if word == "--" {
            onlyPositionals = true
            continue
        }
        if word == "-h" {
            result.flags.insert("--help")
            continue
        }
        let name: String
        var inlineValue: String?
        if let equals = word.firstIndex(of: "=") {
            name = String(word[..<equals])
            inlineValue = String(word[word.index(after: equals)...])
        } else {
            name = word
        }
        guard let spec = options.first(where: { $0.name == name }) else {
            throw UsageError(message: "unknown option \(name)")
        }
        if spec.valueName == nil {
            guard inlineValue == nil else { throw UsageError(message: "\(name) takes no value") }
            result.flags.insert(name)
            continue
        }
        if inlineValue == nil {
            guard index < arguments.count else { throw UsageError(message: "\(name) needs a value") }
            inlineValue = arguments[index]
            index += 1
        }
        result.values[name, default: []].append(inlineValue ?? "")
    }
    if !result.has("--help") && !positionals.contains(result.positionals.count) {
        if result.positionals.count > positionals.upperBound {
            throw UsageError(message: "unexpected argument \(result.positionals[positionals.upperBound])")
        }
        throw UsageError(message: "missing argument")
    }
    return result
}
