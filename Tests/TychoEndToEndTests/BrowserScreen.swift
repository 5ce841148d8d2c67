import Foundation

/// A captured browser screen cut into its parts: filter bar, list header, list rows, tree
/// title, tree rows and status line (the layout the browser draws at any usable size).
struct BrowserScreen {
    let rows: [String]
    let headerIndex: Int
    let treeTitleIndex: Int

    init(_ text: String) throws {
        rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard rows.count >= 5,
              let header = rows.firstIndex(where: { $0.hasPrefix(" TIME (UTC)") }),
              let title = rows.firstIndex(where: { $0.hasPrefix("── tree") }), header < title else {
            throw EndToEndFailure(description: "not the browser's main screen:\n\(framed(text))")
        }
        headerIndex = header
        treeTitleIndex = title
    }

    var filterBar: String { rows[0] }
    var header: String { rows[headerIndex] }
    /// The list's rows, blank ones left out.
    var listRows: [String] { rows[(headerIndex + 1)..<treeTitleIndex].filter { !$0.isEmpty } }
    var treeTitle: String { rows[treeTitleIndex] }
    /// The tree pane's rows, blank ones left out.
    var treeRows: [String] { rows[(treeTitleIndex + 1)..<(rows.count - 1)].filter { !$0.isEmpty } }
    /// The tree pane's rows without the time bars drawn at their right end on wide screens.
    var treeLabels: [String] {
        treeRows.map { row in
            var label = Substring(row)
            while let last = label.last, last == "·" || last == "█" { label.removeLast() }
            while label.last == " " { label.removeLast() }
            return String(label)
        }
    }
    var status: String { rows[rows.count - 1] }

    /// The list row marked `▶`.
    var selectedRow: String? { listRows.first { $0.hasPrefix("▶") } }

    /// The text of a list row under the header's column `title` (up to the next column).
    func column(_ title: String, of row: String) -> String {
        let header = Array(self.header), cells = Array(row)
        guard let start = Array(header.indices).first(where: { header[$0...].starts(with: title) }) else { return "" }
        var end = start + title.count
        while end < header.count && header[end] == " " { end += 1 }
        if end >= header.count { end = cells.count }
        guard start < cells.count else { return "" }
        return String(cells[start..<min(end, cells.count)]).trimmingCharacters(in: .whitespaces)
    }
}

/// Display cells of text as tmux shows it, for the characters these tests put on screen:
/// CJK and emoji take two cells, joiners, variation selectors and combining marks none.
func cellWidth(_ text: String) -> Int {
    var width = 0
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x0300...0x036F, 0x200B...0x200D, 0xFE00...0xFE0F: break
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3,
             0xF900...0xFAFF, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF,
             0x20000...0x3FFFD:
            width += 2
        default: width += 1
        }
    }
    return width
}
