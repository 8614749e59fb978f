import TickforgeMarket

/// Routes the market's events to subscribers.
///
/// One hub owns one `Market` and drives it with one loop: `advance(to:)` generates, for the
/// symbols someone subscribes to and no others, every event up to the given market time,
/// encodes each event once per dialect that has a receiver for it, and appends to each
/// receiver's bounded queue frames that concatenate those shared slices. With no subscribers it
/// does no generation work at all.
public actor FeedHub {
    public struct Options: Sendable {
        /// Bars go out this long after their window ends (Polygon holds `A` about 2 s; 0 for tests).
        public var barDelayNanoseconds: Int64 = 0
        /// A frame never exceeds this many bytes (official clients reject frames near 1 MB).
        public var maxFrameBytes = 512 * 1024
        public var queueLimits = OutboundQueue.Limits()
        /// Most symbols the hub will ever create tapes for (an open universe's bound).
        public var maxSymbols = 20_000
        public init() {}
    }

    /// Something a connection must learn about, outside the event stream.
    public enum Notice: Sendable, Equatable {
        /// Over its queue bound: the connection should send its dialect's slow-consumer status and abort.
        case slowConsumer(SubscriberID)
    }

    public let options: Options
    private let market: Market
    private var encoders: [any DialectEncoder]
    private var index: SubscriptionIndex
    private var subscribers: [SubscriberID: Subscriber] = [:]
    private var nextID: UInt64 = 1
    private var active: [SymbolID: ActiveSymbol] = [:]
    private var notices: [Notice] = []
    private var now: Timestamp
    /// Events encoded since the hub started (for the encode-once property and benchmarks).
    public private(set) var encodeCount = 0
    /// Minutes generated since the hub started, across symbols.
    public private(set) var minutesGenerated = 0

    /// A symbol being generated: its current minute's events and how far they have gone out.
    private struct ActiveSymbol {
        var kinds: EventKinds
        var minute: Int64
        var ticks: [MarketEvent] = []
        var nextTick = 0
        /// Bars wait for their release time (end + delay) in their own queue.
        var bars: [Bar] = []
        var nextBar = 0
        /// Nothing at or before this instant is sent (a late subscriber gets no backfill).
        var releasedThrough: Timestamp
    }

    /// - Parameters:
    ///   - market: handed over to the hub, which becomes its only user.
    ///   - encoders: one per dialect; a subscriber names its dialect by index.
    ///   - start: the market time the hub starts at.
    public init(market: sending Market, encoders: [any DialectEncoder], start: Timestamp, options: Options = Options()) {
        let universe = market.universe.symbols.compactMap { market.symbolID(for: $0) }
        var encoders = encoders
        for id in universe {
            for i in encoders.indices { encoders[i].register(id, ticker: market.ticker(of: id)) }
        }
        self.market = market
        self.encoders = encoders
        self.options = options
        now = start
        index = SubscriptionIndex(universe: Set(universe))
    }

    private func registerTicker(_ id: SymbolID) {
        let ticker = market.ticker(of: id)
        for i in encoders.indices { encoders[i].register(id, ticker: ticker) }
    }

    // MARK: subscribers

    public func addSubscriber(dialect: Int) -> Subscriber {
        let id = SubscriberID(raw: nextID)
        nextID += 1
        let s = Subscriber(id: id, dialect: dialect, queue: OutboundQueue(limits: options.queueLimits))
        subscribers[id] = s
        return s
    }

    /// Forgets a subscriber and its topics; symbols nobody else wants stop generating.
    public func removeSubscriber(_ id: SubscriberID) {
        subscribers.removeValue(forKey: id)?.queue.close()
        index.removeAll(for: id)
        refreshActive()
    }

    public enum Resolution: Sendable, Equatable {
        /// Subscribed; data will flow.
        case subscribed
        /// Acknowledged, but the ticker is outside a fixed universe: no data will come.
        case unknownSymbol
    }

    /// Subscribes to `kind` of `ticker` (`"*"` for the universe).
    @discardableResult
    public func subscribe(_ subscriber: SubscriberID, kind: EventKinds, ticker: String) -> Resolution {
        guard let topic = topic(kind: kind, ticker: ticker) else { return .unknownSymbol }
        index.add(topic, for: subscriber)
        refreshActive()
        return .subscribed
    }

    public func unsubscribe(_ subscriber: SubscriberID, kind: EventKinds, ticker: String) {
        guard let topic = topic(kind: kind, ticker: ticker) else { return }
        index.remove(topic, for: subscriber)
        refreshActive()
    }

    private func topic(kind: EventKinds, ticker: String) -> Topic? {
        if ticker == "*" { return Topic(kind: kind, symbol: nil) }
        let known = market.symbolCount
        // In an open universe every new ticker gets a tape; a cap keeps clients that subscribe to
        // endless made-up tickers from growing the server's memory without bound.
        if known >= options.maxSymbols, !market.hasSymbol(ticker) { return nil }
        guard let id = market.symbolID(for: ticker) else { return nil }
        if Int(id) >= known { registerTicker(id) }
        return Topic(kind: kind, symbol: id)
    }

    /// Symbols being generated right now.
    public var activeSymbolCount: Int { active.count }

    private func refreshActive() {
        for id in Array(active.keys) where index.kinds(of: id).isEmpty { active.removeValue(forKey: id) }
        for id in index.activeSymbols {
            let kinds = index.kinds(of: id)
            if var a = active[id] {
                if a.kinds != kinds {
                    // Regenerate the current minute with the new kinds; what already went out stays out.
                    a.kinds = kinds
                    load(&a, id: id, minute: a.minute)
                    active[id] = a
                }
            } else {
                var a = ActiveSymbol(kinds: kinds, minute: now.minuteIndex, releasedThrough: now)
                load(&a, id: id, minute: a.minute)
                active[id] = a
            }
        }
    }

    /// Generates a minute of a symbol and skips what is already released.
    private func load(_ a: inout ActiveSymbol, id: SymbolID, minute: Int64) {
        var events: [MarketEvent] = []
        market.tape(id).appendMinute(minute, kinds: a.kinds, into: &events)
        minutesGenerated += 1
        a.minute = minute
        a.ticks.removeAll(keepingCapacity: true)
        a.nextTick = 0
        // Bars still waiting from the previous minute keep their place.
        a.bars.removeFirst(a.nextBar)
        a.nextBar = 0
        for e in events {
            switch e {
            case .bar(let b): if b.end > a.releasedThrough { a.bars.append(b) }
            default: if e.timestamp > a.releasedThrough { a.ticks.append(e) }
            }
        }
    }

    // MARK: the loop

    /// Frames under construction, per subscriber, during one `advance`.
    private var pending: [SubscriberID: [Slice]] = [:]
    private struct Slice { var dialect: Int; var range: Range<Int> }
    private var arenas: [[UInt8]] = []

    /// Releases every event up to market time `target` to its receivers. Returns notices for
    /// connections that must be dropped.
    @discardableResult
    public func advance(to target: Timestamp) -> [Notice] {
        guard target > now else { return takeNotices() }
        if arenas.count != encoders.count { arenas = Array(repeating: [], count: encoders.count) }
        for i in arenas.indices { arenas[i].removeAll(keepingCapacity: true) }
        pending.removeAll(keepingCapacity: true)

        for id in Array(active.keys).sorted() {
            // Taken out while it is worked on, so its arrays are uniquely referenced and mutate in
            // place instead of being copied on write.
            guard var a = active.removeValue(forKey: id) else { continue }
            while true {
                releaseTicks(&a, id: id, through: target)
                releaseBars(&a, id: id, through: target)
                let minuteEnd = Timestamp(nanoseconds: (a.minute + 1) * Timestamp.nanosPerMinute)
                guard target >= minuteEnd else { break }
                a.releasedThrough = max(a.releasedThrough, Timestamp(nanoseconds: minuteEnd.nanoseconds - 1))
                load(&a, id: id, minute: a.minute + 1)
            }
            a.releasedThrough = max(a.releasedThrough, target)
            active[id] = a
        }
        now = target
        flushFrames()
        return takeNotices()
    }

    private func releaseTicks(_ a: inout ActiveSymbol, id: SymbolID, through target: Timestamp) {
        while a.nextTick < a.ticks.count, a.ticks[a.nextTick].timestamp <= target {
            route(a.ticks[a.nextTick], id: id)
            a.nextTick += 1
        }
    }

    private func releaseBars(_ a: inout ActiveSymbol, id: SymbolID, through target: Timestamp) {
        while a.nextBar < a.bars.count, a.bars[a.nextBar].end + options.barDelayNanoseconds <= target {
            route(.bar(a.bars[a.nextBar]), id: id)
            a.nextBar += 1
        }
    }

    /// This event's slice per dialect, reset for every event (kept as a member so routing allocates nothing).
    private var encodedSlices: [Range<Int>?] = []

    /// Encodes an event once per dialect that has a receiver, and records the slice for each receiver.
    private func route(_ event: MarketEvent, id: SymbolID) {
        let receivers = index.receivers(of: event.kind, symbol: id)
        guard !receivers.isEmpty else { return }
        if encodedSlices.count != encoders.count { encodedSlices = Array(repeating: nil, count: encoders.count) }
        for d in encodedSlices.indices { encodedSlices[d] = nil }
        for r in receivers {
            guard let s = subscribers[r] else { continue }
            let d = s.dialect
            if encodedSlices[d] == nil {
                let start = arenas[d].count
                guard encoders[d].encode(event, into: &arenas[d]) else { continue }
                encodeCount += 1
                encodedSlices[d] = start..<arenas[d].count
            }
            pending[r, default: []].append(Slice(dialect: d, range: encodedSlices[d]!))
        }
    }

    /// Concatenates each receiver's slices into frames no larger than the limit, and queues them.
    private func flushFrames() {
        let clock = SystemTime.monotonicNanoseconds()
        for (id, slices) in pending {
            guard let s = subscribers[id] else { continue }
            let enc = encoders[s.dialect]
            let arena = arenas[s.dialect]
            var frame = enc.framePrefix
            var count = 0
            func ship() {
                frame.append(contentsOf: enc.frameSuffix)
                if s.queue.push(frame, now: clock) == .slowConsumer { notices.append(.slowConsumer(id)) }
                frame = enc.framePrefix
                count = 0
            }
            for slice in slices {
                let extra = slice.range.count + enc.frameSeparator.count + enc.frameSuffix.count
                if count > 0, frame.count + extra > options.maxFrameBytes { ship() }
                if count > 0 { frame.append(contentsOf: enc.frameSeparator) }
                frame.append(contentsOf: arena[slice.range])
                count += 1
            }
            if count > 0 { ship() }
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func takeNotices() -> [Notice] {
        defer { notices.removeAll() }
        // One notice per subscriber is enough.
        var seen = Set<SubscriberID>()
        return notices.filter { if case .slowConsumer(let id) = $0 { return seen.insert(id).inserted }; return true }
    }

    /// Market time the hub has released through.
    public var marketTime: Timestamp { now }

    /// A snapshot for operators and tests.
    public struct Stats: Sendable, Equatable {
        public var subscribers: Int
        public var activeSymbols: Int
        public var minutesGenerated: Int
        public var eventsEncoded: Int
        public var marketTime: Timestamp
    }

    public var stats: Stats {
        Stats(subscribers: subscribers.count, activeSymbols: active.count, minutesGenerated: minutesGenerated,
              eventsEncoded: encodeCount, marketTime: now)
    }
}
