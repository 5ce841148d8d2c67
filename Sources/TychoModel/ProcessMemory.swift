import Foundation

/// This process's memory as the kernel counts it: what the bench reports, and what the browser's
/// startup trace writes beside its marks.
public enum ProcessMemory {
    /// VmRSS from /proc/self/status, in kilobytes; nil where there is no /proc.
    public static func residentKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
    }
}
