#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A string stored as UTF-8 bytes in an arena: its offset and length there.
public struct StringRef: Hashable, Sendable {
    var offset: UInt32
    var length: UInt32

    static let empty = StringRef(offset: 0, length: 0)
    var isEmpty: Bool { length == 0 }
}

extension Array where Element == UInt8 {
    /// Appends `bytes` and returns where they landed.
    @inline(__always)
    mutating func store(_ bytes: UnsafeRawBufferPointer) -> StringRef {
        let offset = UInt32(truncatingIfNeeded: count)
        append(contentsOf: bytes)
        return StringRef(offset: offset, length: UInt32(truncatingIfNeeded: bytes.count))
    }

    /// The bytes of `ref` as a `String` (the arena holds validated UTF-8 only).
    @inline(__always)
    func string(_ ref: StringRef) -> String {
        if ref.length == 0 { return "" }
        return withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(ref.offset)..<Int(ref.offset + ref.length)]), as: UTF8.self)
        }
    }

    /// Whether the bytes of `ref` equal `other`.
    @inline(__always)
    func bytesEqual(_ ref: StringRef, _ other: UnsafeRawBufferPointer) -> Bool {
        guard Int(ref.length) == other.count else { return false }
        if other.count == 0 { return true }
        return withUnsafeBytes { memcmp($0.baseAddress! + Int(ref.offset), other.baseAddress!, other.count) == 0 }
    }

    /// Calls `body` with the bytes of `ref`.
    @inline(__always)
    func withBytes<R>(_ ref: StringRef, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[Int(ref.offset)..<Int(ref.offset + ref.length)])) }
    }
}

/// Whether two byte ranges hold the same bytes.
@inline(__always)
func memcmpEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    if a.count == 0 { return true }
    return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
}
