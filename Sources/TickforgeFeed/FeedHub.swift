import TickforgeMarket

/// Routes the market's events to subscribers.
///
/// One hub owns one `Market` and drives it with one loop: `advance(to:)` generates, for the
/// symbols someone subscribes to and no others, every event up to the given market time,
/// encodes each event once per dialect that has a receiver for it, and appends to each
/// receiver's bounded queue frames that concatenate those shared slices. With no subscribers it
/// does no generation work at all.
///
/// The actor holds the control path (who subscribes to what); the hot path is the
/// `ReleaseEngine` it owns.
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
    private var engine: ReleaseEngine
    private var index: SubscriptionIndex
    private var subscribers: [SubscriberID: Subscriber] = [:]
    /// Each subscriber's slot in the engine's tables, and back.
    private var slots: [SubscriberID: Int32] = [:]
    private var idsBySlot: [Int32: SubscriberID] = [:]
    private var nextID: UInt64 = 1
    private var now: Timestamp

    /// - Parameters:
    ///   - market: handed over to the hub, which becomes its only user.
    ///   - encoders: one per dialect; a subscriber names its dialect by index.
    ///   - start: the market time the hub starts at.
    public init(market: sending Market, encoders: [any DialectEncoder], start: Timestamp, options: Options = Options()) {
        let universe = market.universe.symbols.compactMap { market.symbolID(for: $0) }
        var engine = ReleaseEngine(encoders: encoders, maxFrameBytes: options.maxFrameBytes, barDelay: options.barDelayNanoseconds)
        for id in universe { engine.router.register(id, ticker: market.ticker(of: id)) }
        self.market = market
        self.engine = engine
        self.options = options
        now = start
        index = SubscriptionIndex(universe: Set(universe))
    }

    // MARK: subscribers

    public func addSubscriber(dialect: Int) -> Subscriber {
        let id = SubscriberID(raw: nextID)
        nextID += 1
        let s = Subscriber(id: id, dialect: dialect, queue: OutboundQueue(limits: options.queueLimits))
        subscribers[id] = s
        let slot = engine.router.addSlot(queue: s.queue, dialect: dialect)
        slots[id] = slot
        idsBySlot[slot] = id
        return s
    }

    /// Forgets a subscriber and its topics; symbols nobody else wants stop generating.
    public func removeSubscriber(_ id: SubscriberID) {
        guard let s = subscribers.removeValue(forKey: id) else { return }
        s.queue.close()
        index.removeAll(for: id)
        if let slot = slots.removeValue(forKey: id) {
            idsBySlot[slot] = nil
            engine.router.removeSlot(slot)
        }
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
        subscribe(subscriber, [(kind, ticker)])[0]
    }

    /// Subscribes to several topics at once (one routing rebuild for the lot).
    public func subscribe(_ subscriber: SubscriberID, _ topics: [(kind: EventKinds, ticker: String)]) -> [Resolution] {
        guard subscribers[subscriber] != nil else { return topics.map { _ in .unknownSymbol } }
        let resolutions = topics.map { t -> Resolution in
            guard let topic = topic(kind: t.kind, ticker: t.ticker) else { return .unknownSymbol }
            index.add(topic, for: subscriber)
            return .subscribed
        }
        refreshActive()
        return resolutions
    }

    public func unsubscribe(_ subscriber: SubscriberID, kind: EventKinds, ticker: String) {
        unsubscribe(subscriber, [(kind, ticker)])
    }

    public func unsubscribe(_ subscriber: SubscriberID, _ topics: [(kind: EventKinds, ticker: String)]) {
        for t in topics {
            // Never create a tape just to unsubscribe from it.
            guard t.ticker == "*" || market.hasSymbol(t.ticker), let topic = topic(kind: t.kind, ticker: t.ticker) else { continue }
            index.remove(topic, for: subscriber)
        }
        refreshActive()
    }

    private func topic(kind: EventKinds, ticker: String) -> Topic? {
        if ticker == "*" { return Topic(kind: kind, symbol: nil) }
        let known = market.symbolCount
        // In an open universe every new ticker gets a tape; a cap keeps clients that subscribe to
        // endless made-up tickers from growing the server's memory without bound.
        if known >= options.maxSymbols, !market.hasSymbol(ticker) { return nil }
        guard let id = market.symbolID(for: ticker) else { return nil }
        if Int(id) >= known { engine.router.register(id, ticker: market.ticker(of: id)) }
        return Topic(kind: kind, symbol: id)
    }

    /// Symbols being generated right now.
    public var activeSymbolCount: Int { engine.symbols.count }

    /// Hands the engine the routes of every symbol someone wants, as slots.
    private func refreshActive() {
        let wanted = index.activeSymbols.map { id in
            let routes = index.routes(of: id).map { ids in
                ids.compactMap { sid -> Receiver? in
                    guard let slot = slots[sid], let s = subscribers[sid] else { return nil }
                    return Receiver(slot: slot, dialect: Int32(s.dialect))
                }
            }
            return (id: id, kinds: index.kinds(of: id), routes: routes)
        }
        engine.setActive(wanted, now: now, market: market)
    }

    // MARK: the loop

    /// Releases every event up to market time `target` to its receivers. Returns notices for
    /// connections that must be dropped.
    @discardableResult
    public func advance(to target: Timestamp) -> [Notice] {
        guard target > now else { return [] }
        var slow: [Int32] = []
        engine.advance(to: target, market: market, slow: &slow)
        now = target
        // One notice per subscriber is enough.
        var seen = Set<Int32>()
        return slow.compactMap { slot in
            guard seen.insert(slot).inserted, let id = idsBySlot[slot] else { return nil }
            return .slowConsumer(id)
        }
    }

    /// Generates the next minute of up to `budget` symbols ahead of need. A real-time loop calls
    /// this between turns so that minute boundaries cost no more than any other turn.
    public func prepareAhead(budget: Int) {
        engine.prepareUpcoming(budget: budget, market: market)
    }

    /// Market time the hub has released through.
    public var marketTime: Timestamp { now }

    /// Events encoded since the hub started (for the encode-once property and benchmarks).
    public var encodeCount: Int { engine.router.encodeCount }
    /// Minutes generated since the hub started, across symbols.
    public var minutesGenerated: Int { engine.minutesGenerated }

    /// A snapshot for operators and tests.
    public struct Stats: Sendable, Equatable {
        public var subscribers: Int
        public var activeSymbols: Int
        public var minutesGenerated: Int
        public var eventsEncoded: Int
        public var marketTime: Timestamp
    }

    public var stats: Stats {
        Stats(subscribers: subscribers.count, activeSymbols: engine.symbols.count, minutesGenerated: engine.minutesGenerated,
              eventsEncoded: engine.router.encodeCount, marketTime: now)
    }
}
