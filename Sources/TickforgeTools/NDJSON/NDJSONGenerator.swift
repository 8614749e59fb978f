import TickforgeMarket

/// Streams a market window to an `OutputSink` as NDJSON, minute by minute, so memory stays
/// proportional to one minute of the market however long the window is.
public struct NDJSONGenerator {
    public let configuration: MarketConfiguration
    public let symbols: [String]

    public init(configuration: MarketConfiguration, symbols: [String]) {
        self.configuration = configuration
        self.symbols = symbols
    }

    /// Writes every event in `window`; returns the number of events.
    /// `progress` is called after each minute with the market time reached and the count so far.
    @discardableResult
    public func write(window: Range<Timestamp>, kinds: EventKinds, to sink: OutputSink, progress: (Timestamp, Int) -> Void = { _, _ in }) throws -> Int {
        let market = Market(configuration: configuration)
        var encoder = NDJSONEncoder()
        let ids = symbols.compactMap { market.symbolID(for: $0) }
        for id in ids { encoder.register(id, ticker: market.ticker(of: id)) }
        var events: [MarketEvent] = []
        var scratch = Market.MergeScratch()
        var count = 0
        guard let minutes = Market.minutes(covering: window, kinds: kinds) else { return 0 }
        for M in minutes {
            events.removeAll(keepingCapacity: true)
            market.appendMinute(M, of: ids, kinds: kinds, within: window, into: &events, scratch: &scratch)
            for e in events {
                encoder.encode(e, into: &sink.buffer)
                try sink.flushIfNeeded()
            }
            count += events.count
            progress(Timestamp(nanoseconds: (M + 1) * Timestamp.nanosPerMinute), count)
        }
        return count
    }
}
