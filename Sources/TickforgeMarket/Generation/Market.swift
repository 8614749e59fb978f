/// The whole synthetic market: a seed, a universe, a market-hours mode, and a tape per symbol.
///
/// Everything it produces is a pure function of (seed, market-hours mode, profile, instant). Two
/// `Market`s built from equal configurations give identical events for any symbol and window,
/// whatever they were asked before. A `Market` owns mutable caches, so it has one owner
/// (the generator loop); share configurations, not markets.
public final class Market {
    public let configuration: MarketConfiguration
    private let seedKey: RandomKey
    private var tapes: [SymbolTape] = []
    private var idsByTicker: [String: SymbolID] = [:]

    public init(configuration: MarketConfiguration) {
        self.configuration = configuration
        seedKey = RandomKey.seed(configuration.seed)
    }

    public var universe: Universe { configuration.universe }

    /// The id of a ticker, creating its tape on first use; `nil` if the universe has no such symbol.
    public func symbolID(for ticker: String) -> SymbolID? {
        let t = Universe.normalize(ticker)
        if let id = idsByTicker[t] { return id }
        guard let profile = universe.profile(for: t) else { return nil }
        let id = SymbolID(tapes.count)
        tapes.append(SymbolTape(id: id, profile: profile, seedKey: seedKey, mode: configuration.marketHours))
        idsByTicker[t] = id
        return id
    }

    public func tape(_ id: SymbolID) -> SymbolTape { tapes[Int(id)] }
    public func ticker(of id: SymbolID) -> String { tapes[Int(id)].profile.ticker }
    public var symbolCount: Int { tapes.count }

    /// Events of several symbols in `window`, merged in time order (ties keep the order of `ids`).
    public func events(for ids: [SymbolID], in window: Range<Timestamp>, kinds: EventKinds = .all) -> [MarketEvent] {
        var out: [MarketEvent] = []
        var cursor = window.lowerBound
        while cursor < window.upperBound {
            let next = min(window.upperBound, Timestamp(nanoseconds: (cursor.minuteIndex + 1) * Timestamp.nanosPerMinute))
            appendMerged(ids: ids, window: cursor..<next, kinds: kinds, into: &out)
            cursor = next
        }
        return out
    }

    /// One slice of a merge, at most a minute long, so memory stays proportional to a minute.
    public func appendMerged(ids: [SymbolID], window: Range<Timestamp>, kinds: EventKinds, into out: inout [MarketEvent]) {
        if ids.count == 1 {
            tapes[Int(ids[0])].appendEvents(in: window, kinds: kinds, into: &out)
            return
        }
        var slice: [MarketEvent] = []
        var ranks: [(Int64, Int)] = []
        for id in ids {
            let before = slice.count
            tapes[Int(id)].appendEvents(in: window, kinds: kinds, into: &slice)
            _ = before
        }
        ranks.reserveCapacity(slice.count)
        for (i, e) in slice.enumerated() { ranks.append((e.timestamp.nanoseconds, i)) }
        // Stable by construction: the index breaks ties, keeping each symbol's own order.
        ranks.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        out.reserveCapacity(out.count + slice.count)
        for (_, i) in ranks { out.append(slice[i]) }
    }
}

/// What defines a market.
public struct MarketConfiguration: Sendable {
    public var seed: UInt64
    public var marketHours: MarketHoursMode
    public var universe: Universe

    public init(seed: UInt64, marketHours: MarketHoursMode = .alwaysOpen, universe: Universe) {
        self.seed = seed
        self.marketHours = marketHours
        self.universe = universe
    }

    /// A market over the built-in universe.
    public static func standard(seed: UInt64 = 42, marketHours: MarketHoursMode = .alwaysOpen) -> MarketConfiguration {
        // The built-in universe has no overrides, so it cannot fail validation.
        MarketConfiguration(seed: seed, marketHours: marketHours, universe: try! Universe(seed: seed))
    }
}
