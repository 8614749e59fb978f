import ArgumentParser
import TickforgeDialects
import TickforgeFeed
import TickforgeMarket

struct EncodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode cost per event for each dialect: Polygon JSON, Alpaca JSON, Alpaca msgpack (one core)."
    )

    @Option(help: "Regular-session minutes of AAPL, MSFT and SPY encoded per run.")
    var minutes = 10

    @Option(help: "Runs; the median is reported.")
    var repetitions = 9

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; numbers are meaningless. Use: swift run -c release tickforge bench encode")
        #endif
        let market = Market(configuration: .standard())
        let ids = ["AAPL", "MSFT", "SPY"].compactMap { market.symbolID(for: $0) }
        let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!
        let events = market.events(for: ids, in: start..<(start + Int64(minutes) * Timestamp.nanosPerMinute), kinds: [.trades, .quotes, .minuteBars])
        let dialects: [(String, any DialectEncoder)] = [
            ("Polygon JSON", PolygonEncoder()), ("Alpaca JSON", AlpacaEncoder(codec: .json)), ("Alpaca msgpack", AlpacaEncoder(codec: .msgpack)),
        ]
        print("\(events.count) events (trades, quotes, minute bars of AAPL, MSFT, SPY); \(repetitions) runs each")
        for (name, prototype) in dialects {
            var encoder = prototype
            for id in ids { encoder.register(id, ticker: market.ticker(of: id)) }
            var arena: [UInt8] = []
            arena.reserveCapacity(events.count * 256)
            var runs: [Double] = []
            for _ in 0..<repetitions {
                arena.removeAll(keepingCapacity: true)
                let t0 = SystemTime.monotonicNanoseconds()
                for e in events { _ = encoder.encode(e, into: &arena) }
                runs.append(Double(SystemTime.monotonicNanoseconds() - t0) / Double(events.count))
            }
            runs.sort()
            let bytes = Double(arena.count) / Double(events.count)
            print("\(name.padding(toLength: 15, withPad: " ", startingAt: 0)) median \(format(runs[runs.count / 2])) ns/event (min \(format(runs[0])), max \(format(runs[runs.count - 1]))), \(format(bytes)) bytes/event")
        }
    }

    private func format(_ v: Double) -> String { String(Int(v.rounded())) }
}
