import Testing
import TickforgeMarket
@testable import TickforgeFeed

/// A scenario applied while the feed runs takes effect at its instant and changes nothing before
/// it: what a subscriber receives equals what a market given the scenario from the start makes.
@Suite("Scenarios applied to a running feed")
struct LiveScenarioTests {
    static let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!
    static let second = Timestamp.nanosPerSecond
    static let universe = try! Universe(seed: 3, symbols: ["AAPL", "MSFT"], isOpen: false)
    static let kinds: EventKinds = [.trades, .quotes, .statuses, .lulds]

    func hub(_ preparation: FeedHub.Preparation) -> FeedHub {
        var o = FeedHub.Options()
        o.preparation = preparation
        return FeedHub(market: Market(configuration: MarketConfiguration(seed: 3, universe: Self.universe)),
                       encoders: [ProbeEncoder()], start: Self.start, options: o)
    }


    /// What the probe dialect writes for AAPL's events in `(from, through]` under `timeline`.
    func expected(_ timeline: ScenarioTimeline, from: Timestamp, through: Timestamp) -> [String] {
        let m = Market(configuration: MarketConfiguration(seed: 3, universe: Self.universe), timeline: timeline)
        var probe = ProbeEncoder()
        probe.register(m.symbolID(for: "AAPL")!, ticker: "AAPL")
        return m.tape(m.symbolID(for: "AAPL")!).events(in: (from + 1)..<(through + 1), kinds: Self.kinds).map { e in
            var out: [UInt8] = []
            _ = probe.encode(e, into: &out)
            return String(decoding: out.dropFirst().dropLast(), as: UTF8.self)
        }
    }

    /// Runs the feed to `applyAt`, applies `timeline` there, runs on to `end`; returns what arrived.
    func run(_ preparation: FeedHub.Preparation, applyAt: Timestamp, timeline: ScenarioTimeline, end: Timestamp) async -> [String] {
        let h = hub(preparation)
        let s = await h.addSubscriber(dialect: .init(0))
        _ = await h.subscribe(s.id, [(.trades, "AAPL"), (.quotes, "AAPL"), (.statuses, "AAPL"), (.lulds, "AAPL")])
        var items: [String] = []
        var t = Self.start
        while t < applyAt {
            await h.waitForPreparation(timeout: 30)
            t = min(applyAt, t + 250_000_000)
            await h.advance(to: t)
            items += ProbeEncoder.drain(s.queue)
        }
        #expect(await h.apply(timeline, changingFrom: applyAt + 1))
        // No wait for the factory here: in the background mode the symbol must hold at the change
        // rather than send the old version's events past it.
        await h.advance(to: applyAt + 2 * Self.second)
        items += ProbeEncoder.drain(s.queue)
        t = applyAt + 2 * Self.second
        while t < end {
            await h.waitForPreparation(timeout: 30)
            t = min(end, t + 250_000_000)
            await h.advance(to: t)
            items += ProbeEncoder.drain(s.queue)
        }
        return items
    }

    /// Equal lists, or the first place they differ (the lists are thousands long).
    static func expectSame(_ got: [String], _ want: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let i = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        let same = got.count == want.count && i == got.count
        #expect(same, "\(got.count) events, \(want.count) expected; first difference at \(i): \(got.dropFirst(i).first ?? "end") vs \(want.dropFirst(i).first ?? "end")", sourceLocation: sourceLocation)
    }

    static func halt(at t: Timestamp, for seconds: Int64) -> ScenarioTimeline {
        ScenarioTimeline([Scenario(id: "s1", kind: .halt(reason: .volatilityPause, reopenPercent: 2), symbol: "AAPL", start: t, end: t + seconds * second)])
    }

    @Test("a halt applied mid-minute: the feed equals the market with the halt from the start", arguments: [FeedHub.Preparation.inline, .background])
    func haltMidMinute(_ preparation: FeedHub.Preparation) async {
        let applyAt = Self.start + 20 * Self.second + 300_000_000
        let timeline = Self.halt(at: applyAt + 1, for: 50)
        let end = Self.start + 150 * Self.second
        let got = await run(preparation, applyAt: applyAt, timeline: timeline, end: end)
        let want = expected(timeline, from: Self.start, through: end)
        #expect(want.contains { $0.hasPrefix("AAPL|S:") }, "the halt and the resumption are statuses")
        Self.expectSame(got, want)
        // And before the halt, exactly the unperturbed market.
        let before = expected(ScenarioTimeline(), from: Self.start, through: applyAt)
        #expect(Array(got.prefix(before.count)) == before)
    }

    @Test("a pushed trade at the instant it is applied goes out exactly once", arguments: [FeedHub.Preparation.inline, .background])
    func pushNow(_ preparation: FeedHub.Preparation) async {
        let applyAt = Self.start + 35 * Self.second + 7_000_000
        let timeline = ScenarioTimeline([Scenario(id: "p", kind: .push(.trade(price: Price(dollars: 123.45), size: 77, exchange: 12, conditions: TradeConditions()), moveMarket: false),
                                                  symbol: "AAPL", start: applyAt + 1)])
        let end = Self.start + 70 * Self.second
        let got = await run(preparation, applyAt: applyAt, timeline: timeline, end: end)
        let want = expected(timeline, from: Self.start, through: end)
        Self.expectSame(got, want)
        #expect(want.count == expected(ScenarioTimeline(), from: Self.start, through: end).count + 1, "one trade more than the seed's market")
    }

    @Test("a change stamped at or before what was released is refused and changes nothing")
    func refusedWhenReleased() async {
        let h = hub(.inline)
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, kind: .trades, ticker: "AAPL")
        let t = Self.start + 10 * Self.second
        await h.advance(to: t)
        #expect(await h.apply(Self.halt(at: t, for: 10), changingFrom: t) == false)
        #expect(await h.timeline.isEmpty)
        #expect(await h.apply(Self.halt(at: t + 1, for: 10), changingFrom: t + 1))
        #expect(await h.timeline.entries.count == 1)
    }

    @Test("a jump sends nothing between now and its target, and carries on from there")
    func jump() async {
        let h = hub(.inline)
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, kind: .trades, ticker: "AAPL")
        await h.advance(to: Self.start + 5 * Self.second)
        _ = ProbeEncoder.drain(s.queue)
        let target = Self.start + 3 * Timestamp.nanosPerMinute + 30 * Self.second
        await h.jump(to: target)
        await h.advance(to: Self.start + 10 * Self.second)
        #expect(ProbeEncoder.drain(s.queue).isEmpty, "an earlier instant releases nothing")
        await h.advance(to: target + 40 * Self.second)
        let got = ProbeEncoder.drain(s.queue)
        let want = expected(ScenarioTimeline(), from: target, through: target + 40 * Self.second).filter { $0.hasPrefix("AAPL|T:") }
        #expect(!want.isEmpty)
        #expect(got == want)
    }
}
