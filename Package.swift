// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tycho",
    products: [
        .executable(name: "tycho", targets: ["TychoTUI"]),
        .library(name: "TychoModel", targets: ["TychoModel"]),
    ],
    targets: [
        /// libncursesw, behind a shim header; only NcursesTerminal.swift imports it.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        /// Events, the JSON-lines reader, the store, its indexes and queries, writes. No terminal code.
        .target(name: "TychoModel"),
        /// The command line: argument parsing and every non-interactive command.
        .target(name: "TychoCLI", dependencies: ["TychoModel"]),
        /// The browser as values: state, actions, key map, views drawing into a Canvas. No ncurses.
        .target(name: "TychoScreen", dependencies: ["TychoModel"]),
        /// The `tycho` executable: main, the run loop and the ncurses adapter.
        .executableTarget(name: "TychoTUI", dependencies: ["TychoModel", "TychoCLI", "TychoScreen", "CNcurses"]),
        .executableTarget(name: "tycho-bench", dependencies: ["TychoModel", "TychoScreen"], path: "Sources/TychoBench"),
        .testTarget(name: "TychoModelTests", dependencies: ["TychoModel"]),
        .testTarget(name: "TychoCLITests", dependencies: ["TychoCLI", "TychoModel"]),
        .testTarget(name: "TychoScreenTests", dependencies: ["TychoScreen", "TychoModel"]),
        .testTarget(name: "TychoEndToEndTests", dependencies: ["TychoModel"]),
        .testTarget(name: "TychoWriteTests", dependencies: ["TychoModel", "TychoCLI"]),
        .testTarget(name: "TychoHostileInputTests", dependencies: ["TychoModel", "TychoScreen"]),
    ]
)
