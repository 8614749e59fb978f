import Synchronization
import Testing
import TickforgeMarket
@testable import TickforgeFeed

/// A live source that only remembers what it was asked for.
final class RecordingLiveSource: LiveSource {
    private let log = Mutex<[LiveInterestChange]>([])
    func interestChanged(_ change: LiveInterestChange) { log.withLock { $0.append(change) } }
    var changes: [LiveInterestChange] { log.withLock { $0 } }
    func take() -> [LiveInterestChange] { log.withLock { l in defer { l.removeAll() }; return l } }
}

@Suite("Live symbols: the hub asks a source for the union of interest and routes what it publishes")
struct LiveSourceTests {
    let source = RecordingLiveSource()
    let table = LiveSymbolTable(base: 20_000)

    /// A hub whose synthetic universe is FAKETICKER alone (fixed), every other ticker live.
    func hub() -> FeedHub {
        var options = FeedHub.Options()
        options.preparation = .inline
        let u = try! Universe(seed: 3, symbols: ["FAKETICKER"], isOpen: false)
        let market = Market(configuration: MarketConfiguration(seed: 3, universe: u))
        return FeedHub(market: market, encoders: [ProbeEncoder()], start: FeedHubTests.start, options: options,
                       live: .init(source: source, symbols: table))
    }

    func trade(_ ticker: String, _ sequence: Int64) -> MarketEvent {
        .trade(Trade(symbol: table.id(for: ticker)!, timestamp: FeedHubTests.start, participantTimestamp: FeedHubTests.start, sequence: sequence, id: sequence,
                     price: Price(units: 1_000_000), size: 100, exchange: 4, tape: .c, conditions: TradeConditions(), trfID: 0, trfTimestamp: nil))
    }

    @Test("the first subscriber of a topic asks for it, the last to leave gives it up; others change nothing")
    func referenceCountedUnion() async {
        let h = hub()
        let a = await h.addSubscriber(dialect: DialectID(0)), b = await h.addSubscriber(dialect: DialectID(0))
        await h.subscribe(a.id, [(.trades, "AAPL"), (.quotes, "AAPL")])
        #expect(source.take() == [LiveInterestChange(added: [LiveTopic(kind: .trades, ticker: "AAPL"), LiveTopic(kind: .quotes, ticker: "AAPL")], removed: [])])
        await h.subscribe(b.id, [(.trades, "AAPL"), (.trades, "MSFT")])
        #expect(source.take() == [LiveInterestChange(added: [LiveTopic(kind: .trades, ticker: "MSFT")], removed: [])])
        await h.unsubscribe(a.id, kind: .trades, ticker: "AAPL")
        #expect(source.take().isEmpty, "b still wants T.AAPL")
        await h.removeSubscriber(b.id)
        #expect(source.take() == [LiveInterestChange(added: [], removed: [LiveTopic(kind: .trades, ticker: "AAPL"), LiveTopic(kind: .trades, ticker: "MSFT")])])
        #expect(await h.liveInterest == [LiveTopic(kind: .quotes, ticker: "AAPL")])
    }

    @Test("synthetic symbols are never asked of the source, and generate only when subscribed")
    func syntheticStayLocal() async {
        let h = hub()
        let a = await h.addSubscriber(dialect: DialectID(0))
        #expect(await h.activeSymbolCount == 0)
        await h.subscribe(a.id, [(.trades, "FAKETICKER"), (.trades, "AAPL")])
        #expect(source.take() == [LiveInterestChange(added: [LiveTopic(kind: .trades, ticker: "AAPL")], removed: [])])
        #expect(await h.activeSymbolCount == 1, "only FAKETICKER is generated")
        #expect(table.existingID(for: "FAKETICKER") == nil)
    }

    @Test("published events reach exactly their subscribers; a wildcard gets every live ticker")
    func routing() async {
        let h = hub()
        let a = await h.addSubscriber(dialect: DialectID(0)), b = await h.addSubscriber(dialect: DialectID(0)), w = await h.addSubscriber(dialect: DialectID(0))
        await h.subscribe(a.id, kind: .trades, ticker: "AAPL")
        await h.subscribe(b.id, kind: .trades, ticker: "MSFT")
        await h.subscribe(w.id, kind: .trades, ticker: "*")
        #expect(source.take().last?.added.contains(LiveTopic(kind: .trades, ticker: "*")) == true)
        await h.publish([trade("AAPL", 1), trade("MSFT", 2), trade("NVDA", 3), trade("AAPL", 4)])
        #expect(ProbeEncoder.drain(a.queue) == ["AAPL|T:1", "AAPL|T:4"])
        #expect(ProbeEncoder.drain(b.queue) == ["MSFT|T:2"])
        #expect(ProbeEncoder.drain(w.queue) == ["AAPL|T:1", "MSFT|T:2", "NVDA|T:3", "AAPL|T:4"])
        #expect(await h.stats.liveEventsPublished == 4)
    }

    @Test("events for ids outside the live table, or nobody's, are dropped")
    func dropsStrays() async {
        let h = hub()
        let a = await h.addSubscriber(dialect: DialectID(0))
        await h.subscribe(a.id, kind: .trades, ticker: "AAPL")
        var stray = trade("AAPL", 9)
        if case .trade(var t) = stray { t.symbol = 0; stray = .trade(t) }
        await h.publish([stray, trade("IBM", 5), trade("AAPL", 6)])
        #expect(ProbeEncoder.drain(a.queue) == ["AAPL|T:6"])
    }

    @Test("a source's own bytes go to their dialect's subscribers as they came; other dialects encode")
    func verbatim() async {
        var options = FeedHub.Options()
        options.preparation = .inline
        let u = try! Universe(seed: 3, symbols: ["FAKETICKER"], isOpen: false)
        let h = FeedHub(market: Market(configuration: MarketConfiguration(seed: 3, universe: u)), encoders: [ProbeEncoder(), ProbeEncoder()],
                        start: FeedHubTests.start, options: options, live: .init(source: source, symbols: table))
        let own = await h.addSubscriber(dialect: DialectID(0)), other = await h.addSubscriber(dialect: DialectID(1))
        await h.subscribe(own.id, kind: .trades, ticker: "AAPL")
        await h.subscribe(other.id, kind: .trades, ticker: "AAPL")
        let frame = Array(#""upstream one","upstream two""#.utf8)
        await h.publish([trade("AAPL", 1), trade("AAPL", 2)], verbatim: .init(dialect: DialectID(0), frame: frame, ranges: [0..<14, 15..<29]))
        #expect(ProbeEncoder.drain(own.queue) == ["upstream one", "upstream two"])
        #expect(ProbeEncoder.drain(other.queue) == ["AAPL|T:1", "AAPL|T:2"])
        #expect(await h.verbatimCount == 2)
    }
}
