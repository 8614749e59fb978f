import Synchronization
import Testing
import TickforgeMarket
@testable import TickforgeFeed

@Suite("The library face: SyntheticSource and the bounded hand-over to its reader")
struct MarketDataSourceTests {
    static let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!

    @Test("a synthetic source yields the market's own events of what was subscribed, none missing, none other")
    func syntheticIsTheMarket() async throws {
        let u = try Universe(seed: 9, symbols: ["AAPL", "MSFT"], isOpen: false)
        let config = MarketConfiguration(seed: 9, universe: u)
        let source = SyntheticSource(configuration: config, start: Self.start, speed: 120)
        try await source.start()
        await source.subscribe([LiveTopic(kind: .trades, ticker: "AAPL")])
        var got: [SourcedEvent] = []
        for await e in source.events {
            got.append(e)
            if got.count == 300 { break }
        }
        await source.stop()
        #expect(got.allSatisfy { $0.ticker == "AAPL" })
        let trades = got.map(\.event)
        let market = Market(configuration: config)
        let id = market.symbolID(for: "AAPL")!
        let expected = market.events(for: [id], in: trades.first!.timestamp..<trades.last!.timestamp + 1, kinds: .trades)
        #expect(trades.count == expected.count)
        #expect(zip(trades, expected).allSatisfy { a, b in
            guard case .trade(let x) = a, case .trade(let y) = b else { return false }
            return x.timestamp == y.timestamp && x.price == y.price && x.size == y.size && x.id == y.id
        })
    }

    @Test("stop finishes the events; nothing comes after")
    func stopFinishes() async throws {
        let source = SyntheticSource(configuration: .standard(seed: 1), start: Self.start, speed: 60)
        try await source.start()
        await source.subscribe([LiveTopic(kind: .quotes, ticker: "SPY")])
        var iterator = source.events.makeAsyncIterator()
        #expect(await iterator.next()?.ticker == "SPY")
        await source.stop()
        var after = 0
        while await iterator.next() != nil { after += 1 }
        #expect(after < 100_000, "what was buffered drains, then the sequence ends")
    }

    @Test("a full buffer holds its writer until the reader takes events; order is kept")
    func backpressure() async {
        let buffer = SourceEventBuffer(capacity: 2)
        let written = Mutex(false)
        let events = (0..<5).map { i in
            SourcedEvent(ticker: "T\(i)", event: .luld(LULDBand(symbol: 0, timestamp: Timestamp(nanoseconds: Int64(i)), sequence: Int64(i),
                                                                  limitUp: Price(units: 2), limitDown: Price(units: 1), indicator: 0, tape: .c)))
        }
        let writer = Task {
            await buffer.put(events)
            written.withLock { $0 = true }
        }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(written.withLock { $0 } == false, "five events do not fit in two")
        var read: [String] = []
        for await e in buffer.stream {
            read.append(e.ticker)
            if read.count == 5 { break }
        }
        await writer.value
        #expect(read == ["T0", "T1", "T2", "T3", "T4"])
        await buffer.finish()
        var it = buffer.stream.makeAsyncIterator()
        #expect(await it.next() == nil)
    }
}
