import Testing
import TickforgeMarket
@testable import TickforgeFeed

@Suite("A hub's recording gets every event released to anyone, once, and nothing else")
struct RecordingHookTests {
    @Test("two subscribers with overlapping topics: the recording holds the union, each event once, in release order")
    func union() async {
        var options = FeedHub.Options()
        options.preparation = .inline
        let u = try! Universe(seed: 3, symbols: ["AAPL", "MSFT", "NVDA"], isOpen: false)
        let recording = OutboundQueue()
        let hub = FeedHub(market: Market(configuration: MarketConfiguration(seed: 3, universe: u)), encoders: [ProbeEncoder(), ProbeEncoder()],
                          start: FeedHubTests.start, options: options, recording: .init(queue: recording, dialect: DialectID(1)))
        let a = await hub.addSubscriber(dialect: DialectID(0)), b = await hub.addSubscriber(dialect: DialectID(0))
        await hub.subscribe(a.id, [(.trades, "AAPL"), (.quotes, "AAPL")])
        await hub.subscribe(b.id, [(.trades, "AAPL"), (.trades, "MSFT")])
        await hub.advance(to: FeedHubTests.start + 90 * Timestamp.nanosPerSecond)
        let gotA = ProbeEncoder.drain(a.queue), gotB = ProbeEncoder.drain(b.queue)
        let recorded = ProbeEncoder.drain(recording)
        #expect(!gotA.isEmpty && !gotB.isEmpty)
        #expect(Set(recorded) == Set(gotA).union(gotB))
        #expect(recorded.count == Set(recorded).count, "each event once, however many receive it")
        #expect(!recorded.contains { $0.hasPrefix("NVDA") })
        #expect(recorded.filter { $0.hasPrefix("AAPL|T") } == gotA.filter { $0.hasPrefix("AAPL|T") })
        #expect(await hub.stats.subscribers == 2, "the recording is not a subscriber")
    }
}
