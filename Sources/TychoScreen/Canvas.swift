import TychoModel

/// A colour a cell can ask for; the terminal adapter maps it (or, without colours, an attribute).
public enum Color: Equatable, Sendable {
    case red, green, yellow, blue, magenta, cyan
}

/// How a cell is drawn.
public struct Style: Equatable, Sendable {
    public var foreground: Color?
    public var isBold = false
    public var isReverse = false
    public var isDim = false
    public var isUnderline = false

    public init(foreground: Color? = nil, isBold: Bool = false, isReverse: Bool = false, isDim: Bool = false, isUnderline: Bool = false) {
        self.foreground = foreground
        self.isBold = isBold
        self.isReverse = isReverse
        self.isDim = isDim
        self.isUnderline = isUnderline
    }

    public static let plain = Style()
    public static let bold = Style(isBold: true)
    public static let dim = Style(isDim: true)
    public static let reverse = Style(isReverse: true)
    public static let failure = Style(foreground: .red, isBold: true)
}

/// One screen cell: a grapheme cluster and its style. A wide character fills its first cell;
/// the cell after it holds `""` (a continuation) so every row keeps exactly `width` cells.
public struct Cell: Equatable, Sendable {
    public var text: String
    public var style: Style

    public static let blank = Cell(text: " ", style: .plain)
    public var isContinuation: Bool { text.isEmpty }
}

/// A grid of cells that views draw into; the terminal adapter presents it, tests read its text.
public struct Canvas: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Draws `text` (untrusted: it is made safe first) at column `x` of row `y`, using at most
    /// `limit` columns. A wide character is never cut in half; text that does not fit ends in
    /// `…`. Returns the columns used.
    @discardableResult
    public mutating func draw(_ text: String, x: Int, y: Int, limit: Int? = nil, style: Style = .plain) -> Int {
        guard y >= 0, y < height, x >= 0, x < width else { return 0 }
        let end = x + min(limit ?? (width - x), width - x)
        guard end > x else { return 0 }
        if let used = drawPlainNarrow(text, x: x, y: y, end: end, style: style) { return used }
        // Only the start of a long text can show: escape and measure no more of it than fills
        // the row (a scalar is at least a cell, unless it joins a cluster; a generous number
        // of them per cell leaves room for those). What is left over ends the row in `…`.
        let scalars = text.unicodeScalars
        let cut = scalars.index(scalars.startIndex, offsetBy: (end - x + 3) * 32, limitedBy: scalars.endIndex) ?? scalars.endIndex
        let isCut = cut < scalars.endIndex
        var pieces: [(text: String, width: Int)] = []
        var total = 0
        for character in SafeText.visible(String(scalars[..<cut])) {
            let cellWidth = DisplayWidth.of(character)
            if cellWidth == 0 {
                // A mark with nothing to combine with: show its code instead.
                for scalar in character.unicodeScalars {
                    for c in "\\u" + SafeText.hex(scalar.value, digits: 4) { pieces.append((String(c), 1)) }
                }
                total = pieces.count
            } else {
                pieces.append((String(character), cellWidth))
                total += cellWidth
            }
            if total > end - x + 2 { break }  // enough to know it will not fit
        }
        let fits = total <= end - x && !isCut
        let stop = fits ? end : end - 1
        var column = x
        for piece in pieces {
            guard column + piece.width <= stop else { break }
            set(column, y, Cell(text: piece.text, style: style), width: piece.width)
            if piece.width == 2 { set(column + 1, y, Cell(text: "", style: style), width: 0) }
            column += piece.width
        }
        if !fits {
            set(column, y, Cell(text: "…", style: style), width: 1)
            column += 1
        }
        return column - x
    }

    /// `draw` for text whose every scalar is one cell on its own (`DisplayWidth.isPlainNarrow`):
    /// nearly all event data, and the tree's guides and rules. A scalar is a cell, so no
    /// grapheme breaking, escaping or width lookups. Nil for any other text.
    /// Only the scalars that can show are looked at: one more than the row holds tells whether
    /// the text fits (and that the last one shown joins nothing after it).
    private mutating func drawPlainNarrow(_ text: String, x: Int, y: Int, end: Int, style: Style) -> Int? {
        var count = 0
        for scalar in text.unicodeScalars {
            guard DisplayWidth.isPlainNarrow(scalar) else { return nil }
            count += 1
            if count > end - x { break }
        }
        let fits = count <= end - x
        var column = x
        for scalar in text.unicodeScalars.prefix(fits ? count : end - x - 1) {
            let value = scalar.value
            let cellText = value < 0x7F ? Self.asciiTexts[Int(value - 0x20)] : String(Character(scalar))
            set(column, y, Cell(text: cellText, style: style), width: 1)
            column += 1
        }
        if !fits {
            set(column, y, Cell(text: "…", style: style), width: 1)
            column += 1
        }
        return column - x
    }

    /// The one-character strings of the printable ASCII bytes, made once.
    private static let asciiTexts = (0x20..<0x7F).map { String(UnicodeScalar(UInt8($0))) }

    /// Fills a rectangle with blanks in `style` (for highlighted rows and overlays).
    public mutating func fill(x: Int, y: Int, width fillWidth: Int, height fillHeight: Int, style: Style = .plain) {
        for row in max(0, y)..<min(height, y + fillHeight) {
            for column in max(0, x)..<max(max(0, x), min(width, x + fillWidth)) {
                set(column, row, Cell(text: " ", style: style), width: 1)
            }
        }
    }

    /// Applies `style` to existing cells (keeps their text): for highlighting a drawn row.
    public mutating func restyle(x: Int, y: Int, width styleWidth: Int, _ change: (inout Style) -> Void) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<max(max(0, x), min(width, x + styleWidth)) {
            change(&cells[y * width + column].style)
        }
    }

    /// Puts `cell`, which is `cellWidth` columns wide, at (x, y).
    private mutating func set(_ x: Int, _ y: Int, _ cell: Cell, width cellWidth: Int) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let index = y * width + x
        // Overwriting half of a wide character blanks its other half.
        if cells[index].isContinuation && !cell.isContinuation && x > 0 {
            cells[index - 1].text = " "
        }
        if x + 1 < width && cells[index + 1].isContinuation && cellWidth < 2 {
            cells[index + 1].text = " "
        }
        cells[index] = cell
    }

    /// The text of row `y`, trailing spaces trimmed (continuation cells contribute nothing).
    public func rowText(_ y: Int) -> String {
        var text = ""
        for x in 0..<width { text += cells[y * width + x].text }
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    /// Every row's text, joined by newlines: what screen tests compare.
    public var text: String { (0..<height).map(rowText).joined(separator: "\n") }
}
