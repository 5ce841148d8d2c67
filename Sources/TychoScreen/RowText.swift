import TychoModel

/// What a row shows of an event's description or id: only as much as `cells` cells can hold.
/// A frame reads a bounded prefix of each field it draws, so the cost of drawing (once a second,
/// for the clock, even when idle) never grows with the data: a 100 MB description used to be
/// copied and scanned whole for every frame that showed its row.
extension EventStore {
    /// Bytes read per cell: a cell can take a long grapheme cluster (a family emoji is 25 bytes
    /// for two cells), and a cut text still overflows the row so the canvas ends it with `…`.
    static let rowBytesPerCell = 16

    /// The description, or as much of it as fills `cells` cells (ending in `…` when cut).
    func rowDescription(_ record: Int, cells: Int) -> String {
        let (text, isCut) = description(record, prefixBytes: Self.rowBytes(cells))
        return isCut ? text + "…" : text
    }

    /// The id, or as much of it as fills `cells` cells (ending in `…` when cut).
    func rowID(_ record: Int, cells: Int) -> String {
        let (text, isCut) = id(record, prefixBytes: Self.rowBytes(cells))
        return isCut ? text + "…" : text
    }

    static func rowBytes(_ cells: Int) -> Int { max(64, cells * rowBytesPerCell) }
}
