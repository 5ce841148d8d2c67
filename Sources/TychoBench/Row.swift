import Foundation

/// One line of the bench table: a figure's samples, its target, and the baselines run beside it.
struct Row {
    enum Unit {
        case seconds, milliseconds, megabytes, bytes

        func format(_ value: Double) -> String {
            guard value.isFinite else { return "-" }
            switch self {
            case .seconds: return fixed(value, value < 10 ? 3 : 1) + " s"
            case .milliseconds: return fixed(value * 1000, value * 1000 < 10 ? 2 : 1) + " ms"
            case .megabytes: return fixed(value, 0) + " MB"
            case .bytes: return fixed(value, 0) + " B"
            }
        }
    }

    let name: String
    let samples: Samples
    let unit: Unit
    let target: String
    /// Baselines on the same files: `cat`, and Python's json.loads with a tag index.
    var cat: Samples?
    var python: Samples?

    init(_ name: String, _ samples: Samples, unit: Unit, target: String, cat: Samples? = nil, python: Samples? = nil) {
        self.name = name
        self.samples = samples
        self.unit = unit
        self.target = target
        self.cat = cat
        self.python = python
    }

    /// The rows as one aligned table.
    static func table(_ rows: [Row]) -> String {
        let header = ["figure", "median", "min–max", "runs", "target", "cat", "python", "tycho/cat", "python/tycho"]
        var lines = [header]
        for row in rows {
            let median = row.samples.median
            let range = row.samples.values.count > 1
                ? row.unit.format(row.samples.minimum) + " – " + row.unit.format(row.samples.maximum) : "-"
            lines.append([
                row.name, row.unit.format(median), range, String(row.samples.values.count), row.target,
                row.cat.map { row.unit.format($0.median) } ?? "",
                row.python.map { row.unit.format($0.median) + ($0.values.count == 1 ? " (1 run)" : "") } ?? "",
                row.cat.map { fixed(median / $0.median, 1) + "×" } ?? "",
                row.python.map { fixed($0.median / median, 1) + "×" } ?? "",
            ])
        }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { line in
            line.indices.map { column in
                let cell = line[column], padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String {
    value.isFinite ? String(format: "%.\(digits)f", value) : "-"
}
