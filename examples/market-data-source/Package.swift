// swift-tools-version: 6.0
import PackageDescription

// A program that picks its market-data source from the environment, as the first seed team's
// factory does, and prints what arrives. It builds against the Tickforge package two folders up.
let package = Package(
    name: "MarketDataSourceExample",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Tickforge", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "print-events",
            dependencies: [
                .product(name: "TickforgeMarket", package: "Tickforge"),
                .product(name: "TickforgeFeed", package: "Tickforge"),
                .product(name: "TickforgeServer", package: "Tickforge"),
            ]
        ),
    ]
)
