import Testing
import TickforgeMarket
@testable import TickforgeFeed

@Suite("Release shards change where symbols are made, never what a client receives")
struct ShardTests {
    static let start = RFC3339.parse("2026-11-23T10:05:00-05:00")!
    static let symbols = ["AAPL", "MSFT", "SPY", "NVDA", "TSLA"]

    func hub(shards: Int, preparation: FeedHub.Preparation = .inline) -> FeedHub {
        var options = FeedHub.Options()
        options.preparation = preparation
        options.shards = shards
        let u = try! Universe(seed: 3, symbols: Self.symbols, isOpen: false)
        return FeedHub(market: Market(configuration: MarketConfiguration(seed: 3, universe: u)), encoders: [ProbeEncoder()],
                       start: Self.start, options: options)
    }

    /// What one subscriber of `T.*,Q.*` received, turn by turn: each turn's frames, as items.
    func turns(shards: Int, preparation: FeedHub.Preparation = .inline, steps: Int, step: Int64) async -> [[[String]]] {
        let h = hub(shards: shards, preparation: preparation)
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, [(.trades, "*"), (.quotes, "*")])
        var out: [[[String]]] = []
        for i in 1...steps {
            if preparation == .background { await h.waitForPreparation(timeout: 30) }
            await h.advance(to: Self.start + Int64(i) * step)
            var frames: [[String]] = []
            while let f = s.queue.tryPop() {
                let text = String(decoding: f, as: UTF8.self)
                frames.append(text.dropFirst().dropLast().split(separator: ",").map { String($0.dropFirst().dropLast()) })
            }
            out.append(frames)
        }
        #expect(await h.stats.shards == shards)
        return out
    }

    /// Each symbol's items in the order they arrived.
    func bySymbol(_ turns: [[[String]]]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for turn in turns { for frame in turn { for item in frame { out[String(item.split(separator: "|")[0]), default: []].append(item) } } }
        return out
    }

    @Test("each symbol's events are the same, in the same order, for 1, 2 and 3 shards, and every turn is one frame")
    func sameEventsAnyShardCount() async {
        let one = await turns(shards: 1, steps: 12, step: 500 * Timestamp.nanosPerMillisecond)
        let reference = bySymbol(one)
        #expect(reference.keys.sorted() == Self.symbols.sorted())
        #expect(reference.values.allSatisfy { $0.count > 10 })
        for n in [2, 3] {
            let sharded = await turns(shards: n, steps: 12, step: 500 * Timestamp.nanosPerMillisecond)
            #expect(bySymbol(sharded) == reference, "shards: \(n)")
            // A subscriber whose symbols span every shard still gets one frame a turn, holding
            // the same events as the one-shard hub's frame for that turn.
            #expect(sharded.map(\.count) == one.map(\.count), "shards: \(n)")
            #expect(zip(sharded, one).allSatisfy { Set($0.joined()) == Set($1.joined()) }, "shards: \(n)")
        }
    }

    @Test("shards on threads of their own, with background preparation, across a minute boundary, release what one shard does")
    func threadedShards() async {
        let step = 10 * Timestamp.nanosPerSecond
        let reference = bySymbol(await turns(shards: 1, steps: 8, step: step))
        let threaded = bySymbol(await turns(shards: 2, preparation: .background, steps: 8, step: step))
        #expect(threaded == reference)
        #expect(reference.values.allSatisfy { $0.count > 100 })
    }

    @Test("a slow subscriber on several shards is reported once")
    func slowOnce() async {
        var options = FeedHub.Options()
        options.preparation = .inline
        options.shards = 2
        options.queueLimits = OutboundQueue.Limits(maxBytes: 64, maxAgeNanoseconds: Timestamp.nanosPerSecond * 60)
        let u = try! Universe(seed: 3, symbols: Self.symbols, isOpen: false)
        let h = FeedHub(market: Market(configuration: MarketConfiguration(seed: 3, universe: u)), encoders: [ProbeEncoder()], start: Self.start, options: options)
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, [(.trades, "*"), (.quotes, "*")])
        _ = await h.advance(to: Self.start + Timestamp.nanosPerSecond)
        let notices = await h.advance(to: Self.start + 2 * Timestamp.nanosPerSecond)
        #expect(notices == [.slowConsumer(s.id)])
    }
}
