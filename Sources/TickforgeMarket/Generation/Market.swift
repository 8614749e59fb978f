/// The whole synthetic market: a seed, a universe, a market-hours mode, a scenario timeline, and a
/// tape per symbol.
///
/// Everything it produces is a pure function of (seed, market-hours mode, profile, instant) and
/// the timeline's entries that start at or before the instant. Two `Market`s built from equal
/// configurations and given the same timeline give identical events for any symbol and window,
/// whatever they were asked before. A `Market` owns mutable caches, so it has one owner
/// (the generator loop); share configurations and timelines, not markets.
public final class Market {
    public let configuration: MarketConfiguration
    private let seedKey: RandomKey
    private var tapes: [SymbolTape] = []
    private var idsByTicker: [String: SymbolID] = [:]
    private let store = TimelineStore()

    public init(configuration: MarketConfiguration, timeline: ScenarioTimeline = ScenarioTimeline()) {
        self.configuration = configuration
        seedKey = RandomKey.seed(configuration.seed)
        store.timeline = timeline
    }

    /// The scenarios the market follows. Setting a new version changes the market from the first
    /// instant the versions differ, and not before.
    public var timeline: ScenarioTimeline {
        get { store.timeline }
        set { store.timeline = newValue }
    }

    public var universe: Universe { configuration.universe }

    /// The id of a ticker, creating its tape on first use; `nil` if the universe has no such symbol.
    public func symbolID(for ticker: String) -> SymbolID? {
        let t = Universe.normalize(ticker)
        if let id = idsByTicker[t] { return id }
        guard let profile = universe.profile(for: t) else { return nil }
        let id = SymbolID(tapes.count)
        tapes.append(SymbolTape(id: id, profile: profile, seedKey: seedKey, mode: configuration.marketHours, timeline: store))
        idsByTicker[t] = id
        return id
    }

    /// Whether the ticker already has a tape.
    public func hasSymbol(_ ticker: String) -> Bool { idsByTicker[Universe.normalize(ticker)] != nil }

    public func tape(_ id: SymbolID) -> SymbolTape { tapes[Int(id)] }
    public func ticker(of id: SymbolID) -> String { tapes[Int(id)].profile.ticker }
    public var symbolCount: Int { tapes.count }

    /// The session phase of the whole market at an instant, after any forced `session`.
    public func sessionPhase(at t: Timestamp) -> SessionPhase {
        // A forced session acts on every tape alike: ask any one (the universe's first, if none yet).
        if tapes.isEmpty, let first = universe.symbols.first { _ = symbolID(for: first) }
        return tapes.first?.sessionPhase(at: t) ?? IntradayProfile(mode: configuration.marketHours).shape(date: NewYorkTime.date(of: t), minuteOfDay: NewYorkTime.minuteOfDay(of: t)).phase
    }

    /// Events of several symbols in `window`, merged in time order (ties keep the order of `ids`).
    public func events(for ids: [SymbolID], in window: Range<Timestamp>, kinds: EventKinds = .all) -> [MarketEvent] {
        var out: [MarketEvent] = []
        guard let minutes = Self.minutes(covering: window, kinds: kinds) else { return out }
        var scratch = MergeScratch()
        for M in minutes { appendMinute(M, of: ids, kinds: kinds, within: window, into: &out, scratch: &scratch) }
        return out
    }

    /// The minutes whose events can fall in `window`: bars are stamped at their window's end, so
    /// the minute before the window may own some.
    public static func minutes(covering window: Range<Timestamp>, kinds: EventKinds) -> ClosedRange<Int64>? {
        guard !window.isEmpty else { return nil }
        let first = window.lowerBound.minuteIndex - (kinds.isDisjoint(with: .needingDayTotals) ? 0 : 1)
        return first...Timestamp(nanoseconds: window.upperBound.nanoseconds - 1).minuteIndex
    }

    /// Reusable buffers for `appendMinute(_:of:kinds:within:into:scratch:)`.
    public struct MergeScratch {
        var events: [MarketEvent] = []
        var order: [(Int64, Int32)] = []
        public init() {}
    }

    /// Appends minute `M` of several symbols, restricted to `window`, merged in time order. Every
    /// event of minute M is stamped in [M, M + 1 minute], so appending minutes in order keeps the
    /// whole stream in time order.
    public func appendMinute(
        _ M: Int64, of ids: [SymbolID], kinds: EventKinds, within window: Range<Timestamp>,
        into out: inout [MarketEvent], scratch: inout MergeScratch
    ) {
        scratch.events.removeAll(keepingCapacity: true)
        for id in ids { tapes[Int(id)].appendMinute(M, kinds: kinds, into: &scratch.events) }
        let whole = window.lowerBound.nanoseconds <= M * Timestamp.nanosPerMinute
            && window.upperBound.nanoseconds > (M + 1) * Timestamp.nanosPerMinute
        if ids.count == 1 {
            if whole { out.append(contentsOf: scratch.events) } else { for e in scratch.events where window.contains(e.timestamp) { out.append(e) } }
            return
        }
        scratch.order.removeAll(keepingCapacity: true)
        for (i, e) in scratch.events.enumerated() where whole || window.contains(e.timestamp) {
            scratch.order.append((e.timestamp.nanoseconds, Int32(i)))
        }
        // The index breaks ties, so each symbol keeps its own order and symbols keep the order of `ids`.
        scratch.order.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        out.reserveCapacity(out.count + scratch.order.count)
        for (_, i) in scratch.order { out.append(scratch.events[Int(i)]) }
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
