/// The density strip: filtered events per slice of the time range, failures in red, the anchor
/// and the selected event marked.
enum HistogramView {
    static let levels = Array("▁▂▃▄▅▆▇█")

    static func draw(_ state: AppState, into canvas: inout Canvas, at rect: Rect) {
        let histogram = state.histogram
        guard !histogram.counts.isEmpty else { return }
        let left = Format.dateAndMinute(histogram.from) + " "
        canvas.draw(left, x: 0, y: rect.y, style: .dim)
        let x0 = left.count
        let peak = max(1, histogram.counts.max() ?? 1)
        let selectedBucket = state.selectedRecord.flatMap { histogram.bucket(of: state.store.startTime($0)) }
        let anchorBucket = state.filter.anchor.flatMap { histogram.bucket(of: $0) }
        for (k, count) in histogram.counts.enumerated() where x0 + k < rect.width {
            var glyph = " "
            if count > 0 {
                // Square-root scaling keeps a few events visible beside a burst.
                let level = Int((Double(count) / Double(peak)).squareRoot() * Double(levels.count - 1) + 0.5)
                glyph = String(levels[max(0, min(levels.count - 1, level))])
            }
            var style = histogram.failures[k] > 0 ? Style(foreground: .red, isBold: true) : Style(foreground: .cyan)
            if k == anchorBucket {
                glyph = count > 0 ? glyph : "│"
                style = Style(foreground: .yellow, isBold: true, isReverse: true)
            }
            if k == selectedBucket { style.isUnderline = true; style.isReverse = true }
            canvas.draw(glyph, x: x0 + k, y: rect.y, style: style)
        }
        let right = " " + Format.dateAndMinute(histogram.to)
        canvas.draw(right, x: x0 + histogram.counts.count, y: rect.y, style: .dim)
    }
}
