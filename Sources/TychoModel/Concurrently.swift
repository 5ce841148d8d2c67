#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Runs `body(0..<count)` on every core and returns when all are done.
///
/// `body` is not `@Sendable`: the store's build hands each task its own part of shared
/// buffers (unsafe pointers), which the type system cannot see are disjoint.
func concurrently(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 { return body(0) }
    withoutActuallyEscaping(body) { body in
        let task = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: count) { task.value($0) }
    }
}

/// How many parts to cut parallel work into: the cores, rounded up to a power of two.
let workParts: Int = {
    var parts = 1
    while parts < min(ProcessInfoCores.active, 16) { parts <<= 1 }
    return parts
}()

enum ProcessInfoCores {
    #if canImport(Glibc)
    static let active = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
    static let active = max(1, Int(sysconf(_SC_NPROCESSORS_ONLN)))
    #endif
}

/// A value moved across threads whose safety the caller vouches for.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
