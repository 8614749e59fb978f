import Testing
import TickforgeMarket
@testable import TickforgeFeed

/// Issue: `A` and `AM` went out two to four times, or late, when a client subscribed topic by
/// topic (the Go client sends one subscribe message per topic). Each kind added to a symbol
/// reloads its current minute; a reload must never send again what went out, nor queue twice what
/// is queued, and bars must go out in time order whatever order their kinds came in.
@Suite("Subscribing topic by topic sends every event exactly once, in order")
struct ResubscribeTests {
    static let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!
    static let second = Timestamp.nanosPerSecond
    static let barDelay = 2 * Timestamp.nanosPerSecond

    static let universe = try! Universe(seed: 3, symbols: ["AAPL", "MSFT"], isOpen: false)

    func hub() -> FeedHub {
        var o = FeedHub.Options()
        o.barDelayNanoseconds = Self.barDelay
        o.preparation = .inline
        return FeedHub(market: Market(configuration: MarketConfiguration(seed: 3, universe: Self.universe)),
                       encoders: [ProbeEncoder()], start: Self.start, options: o)
    }


    /// What a subscriber of `kind` from `since` on should get by `through`, from a market of its own:
    /// every bar whose window ends after `since` and whose release time (`end` + delay) has come.
    func expectedBars(_ kind: EventKinds, tag: String, since: Timestamp, through: Timestamp) -> [String] {
        let m = Market(configuration: MarketConfiguration(seed: 3, universe: Self.universe))
        let window = Timestamp(nanoseconds: since.nanoseconds + 1)..<Timestamp(nanoseconds: through.nanoseconds - Self.barDelay + 1)
        return m.tape(m.symbolID(for: "AAPL")!).events(in: window, kinds: kind).map {
            "AAPL|\(tag):\($0.timestamp.nanoseconds)"
        }
    }

    /// Subscribes `kinds` to AAPL one message at a time, a few market milliseconds apart, 10.3 s into
    /// the minute, then runs the feed across two minute boundaries; returns what arrived and when
    /// the subscriptions began.
    func run(order kinds: [EventKinds], gap: Int64 = 3_000_000) async -> (items: [String], subscribedAt: [Timestamp], end: Timestamp) {
        let h = hub()
        let s = await h.addSubscriber(dialect: .init(0))
        var t = Self.start + 10 * Self.second + 300_000_000
        await h.advance(to: t)
        var at: [Timestamp] = []
        var items: [String] = []
        for k in kinds {
            await h.subscribe(s.id, kind: k, ticker: "AAPL")
            at.append(t)
            t = t + gap
            await h.advance(to: t)
            items += ProbeEncoder.drain(s.queue)
        }
        while t < Self.start + 150 * Self.second {
            t = t + 250_000_000
            await h.advance(to: t)
            items += ProbeEncoder.drain(s.queue)
        }
        return (items, at, t)
    }

    func bars(_ items: [String], _ tag: String) -> [String] { items.filter { $0.hasPrefix("AAPL|\(tag):") } }

    @Test("separate messages A, AM, T, Q (the failing order), AM then A, and the Go client's order",
          arguments: [
              [EventKinds.secondBars, .minuteBars, .trades, .quotes],
              [.minuteBars, .secondBars],
              [.trades, .minuteBars, .quotes, .secondBars],
              [.quotes, .secondBars, .trades, .minuteBars],
          ])
    func oneTopicPerMessage(order: [EventKinds]) async {
        let (items, at, end) = await run(order: order)
        let aSince = at[order.firstIndex(of: .secondBars) ?? 0]
        let amSince = at[order.firstIndex(of: .minuteBars) ?? 0]
        let a = bars(items, "A"), am = bars(items, "AM")
        if order.contains(.secondBars) {
            let expected = expectedBars(.secondBars, tag: "A", since: aSince, through: end)
            #expect(expected.count > 100)
            #expect(a == expected, "each A second exactly once, in order")
        }
        if order.contains(.minuteBars) {
            let expected = expectedBars(.minuteBars, tag: "AM", since: amSince, through: end)
            #expect(expected.count == 2)
            #expect(am == expected, "each AM minute exactly once")
        }
        // Bars of both kinds interleave in window order: an AM is never queued ahead of the A bars before it.
        let ends = items.filter { $0.contains("|A:") || $0.contains("|AM:") }.map { Int64($0.split(separator: ":").last!)! }
        #expect(ends == ends.sorted())
        if order.contains(.trades) {
            let trades = items.filter { $0.hasPrefix("AAPL|T:") }
            #expect(trades.count > 1000)
            #expect(Set(trades).count == trades.count, "no trade twice")
        }
    }

    @Test("a kind added mid-minute by one connection does not repeat bars another connection already receives")
    func otherConnectionUnaffected() async {
        let h = hub()
        let first = await h.addSubscriber(dialect: .init(0)), second = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(first.id, kind: .secondBars, ticker: "AAPL")
        var t = Self.start
        var firstItems: [String] = []
        var added = false
        while t < Self.start + 130 * Self.second {
            t = t + 250_000_000
            await h.advance(to: t)
            firstItems += ProbeEncoder.drain(first.queue)
            _ = ProbeEncoder.drain(second.queue)
            // Every 7.25 s the second connection adds or drops a kind of the same symbol.
            if (t - Self.start) % 7_250_000_000 == 0 {
                if added { await h.unsubscribe(second.id, kind: .minuteBars, ticker: "AAPL") } else { await h.subscribe(second.id, kind: .minuteBars, ticker: "AAPL") }
                await h.subscribe(second.id, kind: .trades, ticker: "AAPL")
                added.toggle()
            }
        }
        let expected = expectedBars(.secondBars, tag: "A", since: Self.start, through: t)
        #expect(expected.count > 100)
        #expect(bars(firstItems, "A") == expected)
    }

    @Test("unsubscribing and subscribing again within a minute never repeats an event")
    func dropAndReAdd() async {
        let h = hub()
        let s = await h.addSubscriber(dialect: .init(0))
        for k in [EventKinds.secondBars, .minuteBars, .trades] { await h.subscribe(s.id, kind: k, ticker: "AAPL") }
        var t = Self.start
        var items: [String] = []
        while t < Self.start + 130 * Self.second {
            t = t + 250_000_000
            await h.advance(to: t)
            items += ProbeEncoder.drain(s.queue)
            // Every 7.25 s, never within a pending AM bar's delay (an unsubscribed kind drops what it had queued).
            if (t - Self.start) % 7_250_000_000 == 0 {
                for k in [EventKinds.secondBars, .minuteBars, .trades] { await h.unsubscribe(s.id, kind: k, ticker: "AAPL") }
                for k in [EventKinds.trades, .secondBars, .minuteBars] { await h.subscribe(s.id, kind: k, ticker: "AAPL") }
            }
        }
        #expect(items.count > 1000)
        #expect(Set(items).count == items.count, "nothing arrives twice")
        let ends = items.filter { $0.contains("|A:") || $0.contains("|AM:") }.map { Int64($0.split(separator: ":").last!)! }
        #expect(ends == ends.sorted())
        #expect(bars(items, "AM").count == 2)
    }
}
