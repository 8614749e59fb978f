import TickforgeMarket

/// Shared helpers: markets and windows the specifications below talk about.
enum Fixture {
    static func market(seed: UInt64 = 42, hours: MarketHoursMode = .alwaysOpen, symbols: [String] = Universe.defaultSymbols) -> Market {
        Market(configuration: MarketConfiguration(seed: seed, marketHours: hours, universe: try! Universe(seed: seed, symbols: symbols)))
    }

    static func instant(_ text: String) -> Timestamp { RFC3339.parse(text)! }

    static func window(_ from: String, _ to: String) -> Range<Timestamp> { instant(from)..<instant(to) }

    /// Shortly after New York midnight, so bar day totals replay little in always-open mode.
    static let earlyWindow = window("2026-11-23T00:02:00-05:00", "2026-11-23T00:05:00-05:00")

    static func trades(_ events: [MarketEvent]) -> [Trade] { events.compactMap { if case .trade(let t) = $0 { t } else { nil } } }
    static func quotes(_ events: [MarketEvent]) -> [Quote] { events.compactMap { if case .quote(let q) = $0 { q } else { nil } } }
    static func bars(_ events: [MarketEvent]) -> [Bar] { events.compactMap { if case .bar(let b) = $0 { b } else { nil } } }

    /// A window rebuilt from its trades by the vendors' rule: odd lots (37) add volume only.
    static func rebuild(_ trades: [Trade]) -> WindowTotals {
        var w = WindowTotals()
        for t in trades { w.add(price: t.price, size: t.size, setsPrice: !t.conditions.contains(TradeConditions.oddLot)) }
        return w
    }
}
