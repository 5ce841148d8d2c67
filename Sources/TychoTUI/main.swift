import Foundation
import TychoCLI
import TychoModel
import TychoScreen

/// Set from signal handlers; the browser loop polls it and then restores the terminal.
nonisolated(unsafe) var stopSignal: Int32 = 0

func write(_ text: String, to handle: FileHandle) {
    if !text.isEmpty { handle.write(Data(text.utf8)) }
}

let environment = ProcessInfo.processInfo.environment
var out = ""
var err = ""
let outcome = CommandLineTool.run(Array(CommandLine.arguments.dropFirst()), environment: environment, out: &out, err: &err,
                                  input: { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) })
write(out, to: .standardOutput)
write(err, to: .standardError)
guard case .browse(let options) = outcome else {
    if case .finished(let status) = outcome { exit(status) }
    exit(ExitStatus.failure)
}
exit(BrowserCommand.run(options, environment: environment))
