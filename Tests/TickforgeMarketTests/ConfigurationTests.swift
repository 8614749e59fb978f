import Testing
@testable import TickforgeMarket

@Suite("Universe, profiles, clock and formats")
struct ConfigurationTests {
    @Test("a fixed universe has no profile for other tickers; an open one derives one")
    func universes() throws {
        let fixed = try Universe(seed: 1, symbols: ["aapl", "NVDA"], isOpen: false)
        #expect(fixed.symbols == ["AAPL", "NVDA"])
        #expect(fixed.profile(for: "ACME") == nil)
        #expect(fixed.profile(for: "nvda")?.basePrice == 180)
        let open = try Universe(seed: 1, symbols: ["AAPL"], isOpen: true)
        #expect(open.profile(for: "ACME") != nil)
        let market = Market(configuration: MarketConfiguration(seed: 1, universe: fixed))
        #expect(market.symbolID(for: "ACME") == nil)
    }

    @Test("profile overrides parse from flags and apply on top of built-ins")
    func overrides() throws {
        let (ticker, o) = try ProfileOverride.parseFlag("aapl:basePrice=200, model=sine,tape=1")
        #expect(ticker == "AAPL")
        let u = try Universe(seed: 1, overrides: [ticker: o])
        let p = u.profile(for: "AAPL")!
        #expect(p.basePrice == 200 && p.model == .sine && p.tape == .a && p.volatility == 0.25)
        #expect(throws: ProfileError.self) { try ProfileOverride.parseFlag("AAPL:colour=red") }
        #expect(throws: ProfileError.self) { try ProfileOverride.parseFlag("AAPL") }
        #expect(throws: ProfileError.self) { try Universe(seed: 1, overrides: ["AAPL": ProfileOverride(basePrice: -3)]) }
    }

    @Test("clock: virtual start at ×10, stepped at max")
    func clock() {
        let start = Fixture.instant("2026-11-23T09:30:00-05:00")
        let virtual = MarketClock(start: start, speed: .multiplier(10), realNow: 1_000)
        #expect(virtual.now(realNow: 1_000 + 2 * Timestamp.nanosPerSecond) == start + 20 * Timestamp.nanosPerSecond)
        #expect(virtual.realNanosUntil(start + 10 * Timestamp.nanosPerSecond, realNow: 1_000) == Timestamp.nanosPerSecond)
        var stepped = MarketClock(start: start, speed: .max, realNow: 0)
        #expect(stepped.now(realNow: 99 * Timestamp.nanosPerSecond) == start)
        stepped.advance(to: start + 5)
        stepped.advance(to: start + 2)
        #expect(stepped.now() == start + 5)
        #expect(ClockSpeed(parsing: "max") == .max)
        #expect(ClockSpeed(parsing: "10") == .multiplier(10))
        #expect(ClockSpeed(parsing: "-1") == nil)
    }

    @Test("RFC 3339 parses offsets and fractions, and formats like Go's RFC3339Nano")
    func rfc3339() {
        #expect(RFC3339.parse("2026-11-23T09:30:00-05:00") == RFC3339.parse("2026-11-23T14:30:00Z"))
        #expect(RFC3339.parse("2026-11-23T14:30:00.5Z")!.nanoseconds % 1_000_000_000 == 500_000_000)
        #expect(RFC3339.format(RFC3339.parse("2023-04-06T13:15:42.835409580Z")!) == "2023-04-06T13:15:42.83540958Z")
        #expect(RFC3339.format(RFC3339.parse("2021-02-22T19:15:00Z")!) == "2021-02-22T19:15:00Z")
        #expect(RFC3339.parse("2026-13-01T00:00:00Z") == nil)
        #expect(RFC3339.parse("yesterday") == nil)
    }

    @Test("prices print in shortest decimal form")
    func priceText() {
        #expect(Price(units: 2_301_500).description == "230.15")
        #expect(Price(units: 4_213).description == "0.4213")
        #expect(Price(units: 1_360_000).description == "136")
        #expect(Price.gridCeil(10_001).units == 10_100)
        #expect(Price.gridFloor(9_999.7).units == 9_999)
    }

    @Test("event kinds parse from the command line")
    func kinds() {
        #expect(EventKinds(parsing: "trade,quotes") == [.trades, .quotes])
        #expect(EventKinds(parsing: "bars") == .bars)
        #expect(EventKinds(parsing: "all") == .all)
        #expect(EventKinds(parsing: "ticks") == nil)
    }
}
