/// A cursor in a scrolling list: which row is selected and which row is at the top.
public struct ScrollState: Equatable, Sendable {
    public var selected = 0
    public var offset = 0

    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Moves the cursor to `row` (clamped to `count` rows) and scrolls so it is visible.
    public mutating func select(_ row: Int, count: Int, visibleRows: Int) {
        selected = max(0, min(row, count - 1))
        keepVisible(count: count, visibleRows: visibleRows)
    }

    /// Scrolls just enough to show the selected row, never past the end.
    public mutating func keepVisible(count: Int, visibleRows: Int) {
        let rows = max(1, visibleRows)
        if selected < offset { offset = selected }
        if selected >= offset + rows { offset = selected - rows + 1 }
        offset = max(0, min(offset, count - rows))
    }
}
