import ArgumentParser
import Foundation
import TickforgeMarket
import TickforgeServer

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Serve a recording (serve --record, proxy --record, or generate's NDJSON) through both dialects, at a speed, once or in a loop.",
        discussion: """
        Clients connect exactly as to `serve`. The replay starts when the first client subscribes, and events go out \
        in batches of fixed recorded time, so the same recording subscribed the same way gives the same frames, byte \
        for byte, every run. --speed 1 keeps the recording's pace, N is N times faster, max as fast as the slowest \
        client reads. Timestamps are the recording's own; with --loop each pass starts again from the first line.
        """
    )

    @Argument(help: "The recording: NDJSON, one event per line.")
    var file: String

    @Flag(help: "Start again from the first event after the last one, until stopped.")
    var loop = false

    @OptionGroup var serving: ServingOptions

    func run() async throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw CLIError("cannot read the recording '\(file)': check the path (record one with `tickforge serve --record FILE`)")
        }
        // No synthetic symbols: every ticker is the recording's.
        let market = MarketConfiguration(seed: 42, universe: try Universe(seed: 42, symbols: [], isOpen: false))
        var config = try serving.configuration(market: market)
        config.replay = ReplaySettings(path: file, loop: loop)
        try await ServerRunner.run(config, symbols: [], label: "tickforge.replay")
    }
}
