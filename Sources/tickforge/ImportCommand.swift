import ArgumentParser
import Foundation
import TickforgeMarket
import TickforgeTools

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn Polygon flat files (stocks trades, quotes, minute aggregates; CSV, or .csv.gz) into a recording for `tickforge replay`.",
        discussion: """
        Files of different layouts (a day's trades and quotes, say) merge into one recording in time order. \
        Flat files hold the whole market; name the tickers you need with --tickers to keep the import small.
        Example: tickforge import 2024-04-05.trades.csv.gz 2024-04-05.quotes.csv.gz --tickers AAPL,MSFT -o day.ndjson
        """
    )

    @Argument(help: "Flat files: CSV with Polygon's header, gzip-compressed if they end in .gz.")
    var files: [String]

    @Option(help: "Comma-separated tickers to keep. Default: every ticker (up to 50 million events).")
    var tickers: String?

    @Option(name: .shortAndLong, help: "The recording to write (NDJSON; gzip if the name ends in .gz).")
    var output: String

    func run() throws {
        var importer = FlatFileImporter(tickers: tickers.map { Set($0.split(separator: ",").map { Universe.normalize(String($0)) }) })
        for file in files {
            guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError("cannot read '\(file)': check the path") }
            let layout: FlatFileImporter.Layout
            do {
                if file.hasSuffix(".gz") {
                    // Decompressed by gzip on the way in, a chunk at a time.
                    let gzip = Process()
                    gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    gzip.arguments = ["gzip", "-dc", file]
                    let pipe = Pipe()
                    gzip.standardOutput = pipe
                    try gzip.run()
                    layout = try importer.read(lines: LineReader(fd: pipe.fileHandleForReading.fileDescriptor), name: file)
                    gzip.waitUntilExit()
                    guard gzip.terminationStatus == 0 else { throw CLIError("gzip could not read '\(file)' (exit status \(gzip.terminationStatus))") }
                } else {
                    layout = try importer.read(lines: LineReader.open(path: file), name: file)
                }
            } catch let error as FlatFileImporter.ImportError {
                throw CLIError(error.description)
            }
            FileHandle.standardError.write(Data("\(file): \(layout.rawValue), \(importer.events.count) events so far\n".utf8))
        }
        let events = importer.sortedEvents()
        var encoder = NDJSONEncoder()
        for (i, t) in importer.tickerNames.enumerated() { encoder.register(SymbolID(i), ticker: t) }
        let sink = try OutputSink.file(output)
        for e in events {
            encoder.encode(e, into: &sink.buffer)
            try sink.flushIfNeeded()
        }
        try sink.flush()
        FileHandle.standardError.write(Data("wrote \(events.count) events of \(importer.tickerNames.count) tickers to \(output) (rows skipped: \(importer.skippedRows)); serve them with: tickforge replay \(output)\n".utf8))
    }
}
