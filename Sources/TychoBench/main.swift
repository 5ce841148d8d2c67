import Foundation
import TychoModel
import TychoScreen

// tycho-bench: the loader, the store's queries and the command line at scale, as medians with
// min–max over repeated runs, beside baselines run in the same invocation (`cat` of the same
// files, and Python's json.loads per line with a tag index). Prints one table.
//
//   tycho-bench [--cache DIR] [--shared DIR] [--tycho PATH] [--runs N] [--only PARTS]
//
// PARTS (comma-separated, for profiling one thing): memory, filters, scrolling, tree, processes.

/// What the bench was asked to do.
struct BenchOptions {
    var cache = NSHomeDirectory() + "/.cache/tycho-bench"
    var shared: String?
    var tycho: String?
    var runs = 7
    var parts: Set<String> = ["memory", "filters", "scrolling", "tree", "processes"]

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value") }
            switch option {
            case "--cache": cache = value
            case "--shared": shared = value
            case "--tycho": tycho = value
            case "--only": parts = Set(value.split(separator: ",").map(String.init))
            case "--runs":
                guard let number = Int(value), number >= 1 else { throw BenchError("--runs needs a whole number") }
                runs = number
            default: throw BenchError("unknown option \(option) (options: --cache DIR, --shared DIR, --tycho PATH, --runs N, --only PARTS)")
            }
        }
    }
}

/// This executable's directory; `tycho` is built next to it.
let executableDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path

/// The shared directory: `--shared`, else `../shared` from here, else from the repository this
/// executable was built in (`REPO/.build/release/tycho-bench`).
func sharedDirectory(_ options: BenchOptions) -> String {
    if let shared = options.shared { return shared }
    let candidates = [FileManager.default.currentDirectoryPath + "/../shared", executableDirectory + "/../../../shared"]
    return candidates.first { FileManager.default.fileExists(atPath: $0 + "/bench/gen_events.py") } ?? candidates[0]
}

/// Python's reading of the same files: json.loads per line, the wrapper unwrapped, and an index
/// from each tag key:value to the events carrying it.
let pythonBaseline = """
import glob, json, os, sys
index, count = {}, 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], '*.jsonl'))):
    with open(path, 'rb') as lines:
        for line in lines:
            if not line.strip():
                continue
            event = json.loads(line)
            event = event.get('event', event)
            for key, values in (event.get('tags') or {}).items():
                for value in (values if isinstance(values, list) else [values]):
                    index.setdefault((key, value), []).append(count)
            count += 1
print(count, len(index))
"""

/// Everything the bench needs to find.
struct BenchContext {
    let options: BenchOptions
    let data: DataSets
    let tiny: String, small: String, large: String
    let tree: (directory: String, leaf: String)
    let tycho: String
    var runs: Int { options.runs }

    init(_ options: BenchOptions) throws {
        self.options = options
        data = DataSets(cache: options.cache, shared: sharedDirectory(options))
        try FileManager.default.createDirectory(atPath: options.cache, withIntermediateDirectories: true)
        tiny = try data.events(10_000)
        small = try data.events(100_000)
        large = try data.events(1_000_000)
        tree = try data.deepTree()
        tycho = options.tycho ?? executableDirectory + "/tycho"
    }
}

/// Loads of the 1M set in this process (the first one, while the heap is fresh, also gives
/// the resident size after a load), then filters on the store.
func measureInProcess(_ context: BenchContext) throws -> [Row] {
    let runs = context.runs, loads = context.options.parts.contains("memory") ? runs : 1
    log("loading 1M in process (\(loads) runs)")
    let residentBefore = Measure.residentMemory()
    var residentAfter = Double.nan
    var firstBatch = Samples(), inProcess = Samples()
    var store = EventStore.empty()
    for run in 0..<loads {
        store = .empty()
        let start = Measure.now()
        let firstAt = Moment()
        store = try EventLoader.load(directory: context.large) { _ in firstAt.mark() }
        inProcess.values.append(Measure.now() - start)
        firstBatch.values.append(firstAt.seconds - start)
        if run == 0 { residentAfter = Measure.residentMemory() }
    }
    var rows = [Row("load 1M, EventLoader.load in process", inProcess, unit: .seconds, target: "-"),
                Row("  first batch (firstBatch callback)", firstBatch, unit: .seconds, target: "-")]

    log("filters on the 1M store")
    let from = try Timestamp.parse("2026-11-10T00:00:00Z"), to = try Timestamp.parse("2026-11-12T00:00:00Z")
    let tagFilter = EventFilter(tags: [TagTerm(key: "service", value: "svc-1"), TagTerm(key: "environment", value: "prod")], from: from, to: to)
    var matched = 0
    let tagTimes = Samples.collect(max(runs, 21)) { Measure.time { matched = store.events(matching: tagFilter).count } }
    rows.append(Row("filter service:svc-1 AND environment:prod, 2 days (\(matched) of \(store.count))", tagTimes, unit: .milliseconds, target: "≤ 5 ms"))
    let textFilter = EventFilter(texts: ["canary"])
    let textTimes = Samples.collect(runs) { Measure.time { matched = store.events(matching: textFilter).count } }
    rows.append(Row("filter free text \"canary\" over all descriptions (\(matched))", textTimes, unit: .milliseconds, target: "≤ 100 ms"))
    rows.append(Row("RSS after loading 1M, in process (first load; \(Int(residentBefore)) MB before)", Samples([residentAfter]),
                    unit: .megabytes, target: "-"))
    if context.options.parts.contains("scrolling") { rows += measureKeystrokes(store, directory: context.large) }
    return rows
}

/// A time noted by another thread (the loader's first-batch callback).
final class Moment: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Double.nan

    func mark() { lock.withLock { value = Measure.now() } }
    var seconds: Double { lock.withLock { value } }
}

/// What a keystroke costs the browser at 1M events: the state change and drawing the whole
/// screen into a canvas (what the program does before ncurses sends the changed cells).
func measureKeystrokes(_ store: EventStore, directory: String) -> [Row] {
    log("keystrokes on the 1M store")
    let now = store.count > 0 ? store.startTime(store.record(atRank: 0)) : 0
    // What the browser does when the loader hands it the full store: take it in, draw it.
    let opening = Samples.collect(7) {
        var fresh = AppState(store: .empty(), dataDirectory: directory, isLoading: true, now: now, width: 120, height: 40)
        return Measure.time {
            fresh.replaceStore(store, isLoading: false)
            _ = Screen.render(fresh)
        }
    }
    var rows = [Row("taking in the loaded 1M store: replaceStore + first render, 120x40", opening, unit: .milliseconds, target: "-")]
    var state = AppState(store: store, dataDirectory: directory, now: now, width: 120, height: 40)
    _ = Screen.render(state)
    for (name, key) in [("j (selection down one row)", Key.down), ("PgDn", Key.pageDown)] {
        let times = Samples.collect(200) {
            Measure.time {
                if let action = KeyMap.action(for: key, in: state) { state.apply(action) }
                _ = Screen.render(state)
            }
        }
        rows.append(Row("keystroke \(name): state change + render, 120x40, 1M", times, unit: .milliseconds, target: "≤ 1 ms"))
    }
    return rows
}

/// Bytes the real program writes to a pty per `j`, on the 1M set (scripts/scroll-bytes.py).
func measureScrollBytes(_ context: BenchContext) throws -> [Row] {
    log("bytes per scroll step through a pty, 1M")
    let output = try Measure.output([try which("python3"), try script("scroll-bytes.py"), context.tycho, context.large,
                                     "--steps", "50", "--size", "120x40"])
    guard let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
          let median = json["median"] as? Double, let low = json["min"] as? Int, let high = json["max"] as? Int,
          let first = json["first_screen"] as? Int else { throw BenchError("scroll-bytes.py said \(output)") }
    // The per-step figures come as a median with its extremes; keep them as three samples.
    return [Row("bytes to the terminal per j, 120x40 pty, 1M (first screen: \(first) B)",
                Samples([Double(low), median, Double(high)]), unit: .bytes, target: "only what changed")]
}

/// A script of the repository holding this build (`.build/release` is a link to `.build/<triple>/release`).
func script(_ name: String) throws -> String {
    let candidates = ["/../../scripts", "/../../../scripts"].map { executableDirectory + $0 + "/" + name }
    guard let path = candidates.first(where: FileManager.default.fileExists) else { throw BenchError("no scripts/\(name) above \(executableDirectory)") }
    return path
}

/// The real browser opening `directory` on a pty, `runs` times (scripts/startup-time.py): spawn
/// to the first events drawn, spawn to every event indexed and drawn, and its memory then.
func measureBrowserStartup(_ context: BenchContext, _ directory: String) throws -> (firstPaint: Samples, loaded: Samples, resident: Samples) {
    let output = try Measure.output([try which("python3"), try script("startup-time.py"), context.tycho, directory,
                                     "--runs", String(context.runs), "--size", "120x40"])
    guard let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [Double]],
          let firstPaint = json["first_paint"], let loaded = json["loaded"], let resident = json["rss_mb"] else {
        throw BenchError("startup-time.py said \(output)")
    }
    return (Samples(firstPaint), Samples(loaded), Samples(resident))
}

/// `tree(id)` of an event whose root has 200,000 descendants.
func measureTree(_ context: BenchContext) throws -> [Row] {
    log("tree of 200,000 descendants")
    let store = try EventLoader.load(directory: context.tree.directory)
    guard let leaf = store.record(id: context.tree.leaf) else { throw BenchError("the tree set has no \(context.tree.leaf)") }
    var rows = 0
    let times = Samples.collect(context.runs) { Measure.time { rows = store.tree(leaf).count } }
    return [Row("tree(id) with \(rows - 1) descendants", times, unit: .milliseconds, target: "≤ 50 ms")]
}

/// `tycho` as a process: loads beside `cat` and Python on the same files, a query, peak memory.
func measureProcesses(_ context: BenchContext) throws -> [Row] {
    let python = try which("python3"), cat = try which("cat")
    let tycho = context.tycho, runs = context.runs
    guard FileManager.default.isExecutableFile(atPath: tycho) else { throw BenchError("no tycho at \(tycho); build it or pass --tycho PATH") }
    var rows: [Row] = []
    log("processes: tycho check, cat, python")
    for (name, directory, target, pythonRuns) in [("10k", context.tiny, "-", runs), ("100k", context.small, "≤ 0.12 s", runs),
                                                 ("1M", context.large, "≤ 1.0 s", 1)] {
        let files = try context.data.files(directory)
        let load = try Samples.collect(runs) { try Measure.run([tycho, "check", "--data", directory]) }
        let catTimes = try Samples.collect(runs) { try Measure.run([cat] + files) }
        log("python json.loads at \(name) (\(pythonRuns) run\(pythonRuns == 1 ? "" : "s"))")
        let pythonTimes = try Samples.collect(pythonRuns) { try Measure.run([python, "-c", pythonBaseline, directory]) }
        log("the browser opening \(name) on a pty (\(runs) runs)")
        let browser = try measureBrowserStartup(context, directory)
        rows.append(Row("load \(name): the browser on a pty, spawn to every event indexed and drawn", browser.loaded, unit: .seconds,
                        target: target, cat: catTimes, python: pythonTimes))
        rows.append(Row("  first paint \(name): spawn to the newest events drawn", browser.firstPaint, unit: .seconds, target: "≤ 0.3 s"))
        rows.append(Row("  RSS of the browser once \(name) is loaded (VmRSS)", browser.resident, unit: .megabytes,
                        target: name == "1M" ? "≤ 350 MB" : "-"))
        rows.append(Row("load \(name): tycho check, process start to exit", load, unit: .seconds, target: "-",
                        cat: catTimes, python: pythonTimes))
    }
    log("tycho query at 1M")
    let query = try Samples.collect(runs) { try Measure.run([tycho, "query", "--data", context.large, "--tag", "service:svc-1", "--count", "100"]) }
    rows.append(Row("tycho query --tag service:svc-1 --count 100, 1M", query, unit: .seconds, target: "≤ 1.2 s"))
    log("peak memory at 10k, 100k, 1M")
    for (name, directory, target) in [("10k", context.tiny, "-"), ("100k", context.small, "-"), ("1M", context.large, "≤ 450 MB")] {
        let peak = try Samples.collect(3) { try Measure.peakMemory([tycho, "check", "--data", directory]) }
        rows.append(Row("peak RSS, tycho check at \(name) (/usr/bin/time -v)", peak, unit: .megabytes, target: target))
    }
    if context.options.parts.contains("scrolling") { rows += try measureScrollBytes(context) }
    return rows
}

func runBench(_ options: BenchOptions) throws -> [Row] {
    let context = try BenchContext(options)
    var rows: [Row] = []
    if !options.parts.isDisjoint(with: ["memory", "filters", "scrolling"]) { rows += try measureInProcess(context) }
    if options.parts.contains("tree") { rows += try measureTree(context) }
    if options.parts.contains("processes") { rows += try measureProcesses(context) }
    return rows
}

do {
    let options = try BenchOptions(Array(CommandLine.arguments.dropFirst()))
    let started = Measure.now()
    let rows = try runBench(options)
    print(Row.table(rows))
    print("runs: \(options.runs) per figure (python at 1M: 1 run, ~16 s each; peak RSS: 3); bench took \(Int(Measure.now() - started)) s")
} catch {
    log("\(error)")
    exit(1)
}
