import Foundation
import TychoCLI
import TychoModel

var out = ""
var err = ""
let outcome = CommandLineTool.run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment, out: &out, err: &err)
FileHandle.standardOutput.write(out.data(using: .utf8)!)
FileHandle.standardError.write(err.data(using: .utf8)!)
switch outcome {
case .finished(let status): exit(status)
case .browse: exit(2)
}
