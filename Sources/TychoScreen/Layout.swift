/// A rectangle of the screen.
public struct Rect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
}

/// Where each part of the screen goes, from the terminal size alone.
///
/// Top to bottom: the filter bar, the list header, the event list, the tree title, the tree
/// pane, and the status line. The list and the tree share the rows between them.
public struct Layout: Equatable, Sendable {
    public static let minimumWidth = 40
    public static let minimumHeight = 10

    public let width: Int
    public let height: Int
    public let filterBar: Rect
    /// The density strip above the list, on screens tall enough to spare a row.
    public let histogram: Rect?
    public let header: Rect
    public let list: Rect
    public let treeTitle: Rect
    public let tree: Rect
    public let status: Rect

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        let top = height >= 20 ? 3 : 2  // filter bar, (histogram,) header
        let body = max(0, height - top - 2)  // less the tree title and the status line
        let listHeight = (body + 1) / 2
        filterBar = Rect(x: 0, y: 0, width: width, height: 1)
        histogram = top == 3 ? Rect(x: 0, y: 1, width: width, height: 1) : nil
        header = Rect(x: 0, y: top - 1, width: width, height: 1)
        list = Rect(x: 0, y: top, width: width, height: listHeight)
        treeTitle = Rect(x: 0, y: top + listHeight, width: width, height: 1)
        tree = Rect(x: 0, y: top + 1 + listHeight, width: width, height: body - listHeight)
        status = Rect(x: 0, y: max(0, height - 1), width: width, height: 1)
    }

    /// Whether the terminal is big enough to be useful.
    public var isUsable: Bool { width >= Self.minimumWidth && height >= Self.minimumHeight }
}
