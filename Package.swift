// swift-tools-version: 6.0
import PackageDescription

// Rooms of the package, in the order data flows through them:
//   TickforgeMarket   — pure Swift: symbols, events, clock, calendar, generator (no networking)
//   TickforgeFeed     — the hub: subscriptions, encode-once fan-out, bounded per-connection queues
//   TickforgeDialects — wire protocols (Polygon/Massive, Alpaca): session state machines and encoders
//   TickforgeServer   — HTTP/WebSocket transport, connections, the feed loop, lifecycle
//   TickforgeClient   — WebSocket clients for `tail` and the load benchmarks (apart: it pulls in TLS)
//   TickforgeTools    — offline tools on top of the market: NDJSON export/import, realism statistics, benchmarks
//   tickforge         — the thin CLI
let package = Package(
    name: "Tickforge",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TickforgeMarket", targets: ["TickforgeMarket"]),
        // The library face: `MarketDataSource` and `SyntheticSource` (feed), `UpstreamSource` and
        // `ReplaySource` (server). examples/market-data-source builds against these.
        .library(name: "TickforgeFeed", targets: ["TickforgeFeed"]),
        .library(name: "TickforgeServer", targets: ["TickforgeServer"]),
        .executable(name: "tickforge", targets: ["tickforge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.30.0"),
    ],
    targets: [
        .target(name: "TickforgeMarket"),
        .target(name: "TickforgeFeed", dependencies: ["TickforgeMarket"]),
        .target(name: "TickforgeDialects", dependencies: ["TickforgeMarket", "TickforgeFeed"]),
        .target(
            name: "TickforgeServer",
            dependencies: [
                "TickforgeMarket", "TickforgeFeed", "TickforgeDialects",
                // `--record` writes generate's NDJSON; `replay` reads it back.
                "TickforgeTools",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                // A proxy's upstream connection (wss), and its REST API for upstream tickers (https).
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The WebSocket client (tail, bench) lives apart: it pulls in TLS, which the server does not need.
        .target(
            name: "TickforgeClient",
            dependencies: [
                "TickforgeMarket",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TickforgeTools",
            // zlib: recordings written and read as gzip.
            dependencies: ["TickforgeMarket", "CZlib"]
        ),
        // The system's zlib (its header and libz), nothing more.
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        .executableTarget(
            name: "tickforge",
            dependencies: [
                "TickforgeMarket",
                "TickforgeTools",
                "TickforgeServer",
                "TickforgeDialects",
                "TickforgeClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "TickforgeMarketTests", dependencies: ["TickforgeMarket"]),
        .testTarget(name: "TickforgeToolsTests", dependencies: ["TickforgeTools", "TickforgeMarket"]),
        .testTarget(name: "TickforgeFeedTests", dependencies: ["TickforgeFeed", "TickforgeMarket"]),
        .testTarget(name: "TickforgeDialectsTests", dependencies: ["TickforgeDialects", "TickforgeFeed", "TickforgeMarket"]),
        .testTarget(
            name: "TickforgeServerTests",
            dependencies: [
                "TickforgeServer", "TickforgeClient", "TickforgeMarket", "TickforgeFeed",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
