import Testing
@testable import TickforgeMarket

@Suite("The market is a pure function of (seed, symbol, instant)")
struct DeterminismTests {
    @Test("two markets with one seed agree, whatever each was asked before and in whatever order")
    func independentInstancesAgree() {
        let window = Fixture.earlyWindow
        let first = Fixture.market()
        let aapl1 = first.symbolID(for: "AAPL")!
        let expected = first.tape(aapl1).events(in: window)

        let second = Fixture.market()
        // Ask unrelated things first, in another order: other symbols, a later day, an earlier day.
        let nvda = second.symbolID(for: "NVDA")!
        _ = second.tape(nvda).events(in: Fixture.window("2026-11-24T10:00:00-05:00", "2026-11-24T10:01:00-05:00"))
        let aapl2 = second.symbolID(for: "AAPL")!
        _ = second.tape(aapl2).events(in: Fixture.window("2027-02-01T00:10:00-05:00", "2027-02-01T00:11:00-05:00"))
        _ = second.tape(aapl2).events(in: Fixture.window("2026-11-23T00:04:00-05:00", "2026-11-23T00:06:00-05:00"))
        let actual = second.tape(aapl2).events(in: window)

        #expect(!expected.isEmpty)
        #expect(actual.count == expected.count)
        #expect(actual == expected.map { Self.renumber($0, to: aapl2) })
    }

    @Test("kinds only filter: every kind of event is the same whatever else is generated with it")
    func kindsAreAFilter() {
        let window = Fixture.window("2026-11-23T10:00:00-05:00", "2026-11-23T10:02:00-05:00")
        func events(_ kinds: EventKinds) -> [MarketEvent] {
            let m = Fixture.market()
            return m.tape(m.symbolID(for: "AAPL")!).events(in: window, kinds: kinds)
        }
        let everything = events([.trades, .quotes, .secondBars, .minuteBars, .dailyBars])
        let trades = everything.filter { if case .trade = $0 { true } else { false } }
        let quotes = everything.filter { if case .quote = $0 { true } else { false } }
        let bars = everything.filter { if case .bar = $0 { true } else { false } }
        #expect(trades.count > 1000 && quotes.count > 3000)
        #expect(events(.trades) == trades, "trade ids and sequence numbers do not depend on quotes being generated")
        #expect(events(.quotes) == quotes)
        #expect(events([.secondBars, .minuteBars, .dailyBars]) == bars)
        #expect(events([.trades, .minuteBars]) == everything.filter { if case .trade = $0 { true } else if case .bar(let b) = $0 { b.span == .minute } else { false } })
    }

    @Test("different seeds give different markets")
    func seedsDiffer() {
        let a = Fixture.market(seed: 1), b = Fixture.market(seed: 2)
        let ea = a.tape(a.symbolID(for: "MSFT")!).events(in: Fixture.earlyWindow, kinds: .trades)
        let eb = b.tape(b.symbolID(for: "MSFT")!).events(in: Fixture.earlyWindow, kinds: .trades)
        #expect(ea != eb)
        let pa = Fixture.trades(ea).map(\.price), pb = Fixture.trades(eb).map(\.price)
        #expect(pa != pb)
    }

    @Test("consecutive sub-windows concatenate exactly to the whole window", arguments: [
        "2026-11-23T00:03:00-05:00", // on a minute boundary
        "2026-11-23T00:03:27.123456789-05:00", // inside a minute, inside a second
    ])
    func subWindowsConcatenate(split: String) {
        let whole = Fixture.earlyWindow
        let middle = Fixture.instant(split)
        let one = Fixture.market(), two = Fixture.market()
        let ids1 = ["AAPL", "PNNY", "FAKETICKER"].map { one.symbolID(for: $0)! }
        let ids2 = ["AAPL", "PNNY", "FAKETICKER"].map { two.symbolID(for: $0)! }
        let all = one.events(for: ids1, in: whole)
        let parts = two.events(for: ids2, in: whole.lowerBound..<middle) + two.events(for: ids2, in: middle..<whole.upperBound)
        #expect(all.count > 1000)
        #expect(parts == all)
    }

    @Test("a merged stream is in time order")
    func mergedStreamIsOrdered() {
        let m = Fixture.market()
        let ids = ["SPY", "QQQ", "TESTSTOCK"].map { m.symbolID(for: $0)! }
        let events = m.events(for: ids, in: Fixture.earlyWindow)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
    }

    @Test("open-universe profiles are derived from (seed, ticker) alone")
    func derivedProfilesAreStable() {
        let a = BuiltinProfiles.derived(ticker: "ACME", seed: 9), b = BuiltinProfiles.derived(ticker: "ACME", seed: 9)
        let c = BuiltinProfiles.derived(ticker: "ACME", seed: 10)
        #expect(a == b)
        #expect(a != c)
        #expect((8...500).contains(a.basePrice))
    }

    static func renumber(_ e: MarketEvent, to id: SymbolID) -> MarketEvent {
        switch e {
        case .trade(var t): t.symbol = id; return .trade(t)
        case .quote(var q): q.symbol = id; return .quote(q)
        case .bar(var b): b.symbol = id; return .bar(b)
        case .status(var x): x.symbol = id; return .status(x)
        case .luld(var x): x.symbol = id; return .luld(x)
        case .correction(var x): x.symbol = id; return .correction(x)
        }
    }
}
