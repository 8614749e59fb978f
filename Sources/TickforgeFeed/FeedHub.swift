import Foundation
import TickforgeMarket

/// Routes the market's events to subscribers.
///
/// `advance(to:)` releases, for the symbols someone subscribes to and no others, every event up
/// to the given market time, encodes each event once per dialect that has a receiver for it, and
/// appends to each receiver's bounded queue frames that concatenate those shared slices. With no
/// subscribers it does no work at all.
///
/// The actor holds the control path (who subscribes to what, and a `SymbolRegistry` saying which
/// source each ticker comes from). The hot path is its `ReleaseShards`: one `ReleaseEngine` per shard, advanced in
/// parallel, each with a `MinuteFactory` (and a market) of its own generating off the release loop.
public actor FeedHub {
    public struct Options: Sendable {
        /// Bars go out this long after their window ends (Polygon holds `A` about 2 s; 0 for tests).
        public var barDelayNanoseconds: Int64 = 0
        /// A frame never exceeds this many bytes (official clients reject frames near 1 MB).
        public var maxFrameBytes = 512 * 1024
        public var queueLimits = OutboundQueue.Limits()
        /// Most symbols the hub will ever create tapes for (an open universe's bound).
        public var maxSymbols = 20_000
        /// Where minutes are generated: on a thread of their own (the server), or synchronously
        /// when asked for (tests that step the hub by hand and expect events at once).
        public var preparation: Preparation = .background
        /// Release shards: symbols are spread over this many engines, each with its own minute
        /// factory, encoders and arenas, released in parallel (with `.background` preparation;
        /// with `.inline` they take turns on the caller's thread) and framed together. A symbol's
        /// bytes are the same for any count; within a turn's frame, shard 0's events come before
        /// shard 1's, so across symbols the order is by shard rather than by time.
        public var shards = 1
        public init() {}
    }

    public enum Preparation: Sendable {
        case background
        case inline
    }

    /// Something a connection must learn about, outside the event stream.
    public enum Notice: Sendable, Equatable {
        /// Over its queue bound: the connection should send its dialect's slow-consumer status and abort.
        case slowConsumer(SubscriberID)
    }

    public let options: Options
    /// Every ticker's id, and whether the synthetic market or the live source makes it.
    private let symbols: SymbolRegistry
    /// Where tickers outside the synthetic universe come from, if anywhere (a proxy's upstream).
    private let live: LiveFeed?
    private var liveState = LiveRouting()
    private let shards: ReleaseShards
    /// Shard 0, on the hub's own thread: live events go through its router.
    private var lead: ReleaseShard { shards.shards[0] }
    private var index: SubscriptionIndex
    private var subscribers: [SubscriberID: Subscriber] = [:]
    /// Each subscriber's slot in the engine's tables, and back.
    private var slots: [SubscriberID: Int32] = [:]
    private var idsBySlot: [Int32: SubscriberID] = [:]
    private let subscriberIDs: SubscriberIDs
    private var now: Timestamp

    /// - Parameters:
    ///   - market: handed over to the hub, which becomes its only user.
    ///   - encoders: one per dialect; a subscriber names its dialect by index.
    ///   - start: the market time the hub starts at.
    ///   - live: a source for tickers outside a fixed universe; its symbol table's ids must start at
    ///     or above `options.maxSymbols`, where no tape id reaches.
    ///   - recording: where every event released to anyone also goes, encoded in the recording's
    ///     own dialect (one of `encoders`).
    ///   - subscriberIDs: where subscribers' ids come from; hubs of one server share it.
    public init(market: sending Market, encoders: [any DialectEncoder], start: Timestamp, options: Options = Options(), live: LiveFeed? = nil,
                recording: Recording? = nil, subscriberIDs: SubscriberIDs = SubscriberIDs()) {
        self.subscriberIDs = subscriberIDs
        self.live = live
        let background = options.preparation == .background
        let configuration = market.configuration, startTimeline = market.timeline
        let registry = SymbolRegistry(market: market, live: live?.symbols, maxSymbols: options.maxSymbols)
        let universe = registry.universe
        var engines: [ReleaseEngine] = []
        for _ in 0..<max(1, options.shards) {
            let factory = MinuteFactory(configuration: configuration, timeline: startTimeline, mode: background ? .background : .inline)
            var engine = ReleaseEngine(encoders: encoders, maxFrameBytes: options.maxFrameBytes, barDelay: options.barDelayNanoseconds, factory: factory)
            for id in universe {
                let ticker = registry.ticker(of: id)!
                engine.router.register(id, ticker: ticker)
                factory.register(ticker)
            }
            if let recording {
                // Every shard records what it releases into the one queue; slots agree across shards.
                let slot = engine.router.addSlot(queue: recording.queue, dialect: recording.dialect)
                engine.router.recorder = Receiver(slot: slot, dialect: Int32(recording.dialect.index))
                recorderSlot = slot
            }
            engines.append(engine)
        }
        // Shard 0 runs on the hub's own thread; the others get one each.
        shards = ReleaseShards(shards: engines.enumerated().map { ReleaseShard(engine: $1, index: $0, threaded: background && $0 > 0) })
        factories = engines.map(\.factory)
        timeline = startTimeline
        symbols = registry
        self.options = options
        now = start
        index = SubscriptionIndex(universe: Set(universe))
    }

    // MARK: subscribers

    public func addSubscriber(dialect: DialectID) -> Subscriber {
        let id = subscriberIDs.take()
        let s = Subscriber(id: id, dialect: dialect, queue: OutboundQueue(limits: options.queueLimits))
        subscribers[id] = s
        let perShard = shards.shards.map { $0.engine.router.addSlot(queue: s.queue, dialect: dialect) }
        // Every shard adds and frees slots in the same order, so they agree on the number.
        precondition(Set(perShard).count == 1, "shards disagree on a subscriber's slot")
        let slot = perShard[0]
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
            for shard in shards.shards { shard.engine.router.removeSlot(slot) }
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
            // Never create a tape, nor a live id, just to unsubscribe from it.
            guard t.ticker == "*" || symbols.existing(t.ticker) != nil, let topic = topic(kind: t.kind, ticker: t.ticker) else { continue }
            index.remove(topic, for: subscriber)
        }
        refreshActive()
    }

    private func topic(kind: EventKinds, ticker: String) -> Topic? {
        if ticker == "*" { return Topic(kind: kind, symbol: nil) }
        guard let resolved = symbols.resolve(ticker) else { return nil }
        switch resolved.source {
        case .live:
            registerLive(through: resolved.id)
        case .synthetic where resolved.isNew:
            // Every shard's encoders and market know every ticker, so ids agree everywhere.
            let name = symbols.ticker(of: resolved.id)!
            for shard in shards.shards {
                shard.engine.router.register(resolved.id, ticker: name)
                shard.engine.factory.register(name)
            }
        case .synthetic:
            break
        }
        return Topic(kind: kind, symbol: resolved.id)
    }

    /// The ticker an id goes by: a tape's, or a live symbol's.
    public func ticker(of id: SymbolID) -> String? { symbols.ticker(of: id) }

    /// Symbols being generated right now.
    public var activeSymbolCount: Int { sum(\.symbols.count) }

    private func sum(_ value: (ReleaseEngine) -> Int) -> Int { shards.shards.reduce(0) { $0 + value($1.engine) } }

    /// Hands the engine the routes of every synthetic symbol someone wants, as slots; keeps the
    /// live symbols' routes here and tells their source what the union of interest became.
    private func refreshActive() {
        var wanted = Array(repeating: [(id: SymbolID, kinds: EventKinds, routes: [[Receiver]])](), count: shards.count)
        for id in index.activeSymbols where symbols.source(of: id) == .synthetic {
            wanted[shards.index(of: id)].append((id: id, kinds: index.kinds(of: id), routes: index.routes(of: id).map(receivers)))
        }
        for (shard, wanted) in zip(shards.shards, wanted) { shard.engine.setActive(wanted, now: now) }
        guard let live else { return }
        let wildcard = index.wildcardHolders.map(receivers)
        var routes: [SymbolID: [[Receiver]]] = [:]
        var interest = Set<LiveTopic>()
        for (k, holders) in index.wildcardHolders.enumerated() where !holders.isEmpty {
            interest.insert(LiveTopic(kind: EventKinds.singles[k], ticker: "*"))
        }
        for id in index.activeSymbols where symbols.source(of: id) == .live {
            let explicit = index.routes(of: id)
            guard let ticker = live.symbols.ticker(of: id) else { continue }
            for (k, ids) in explicit.enumerated() where !ids.isEmpty {
                interest.insert(LiveTopic(kind: EventKinds.singles[k], ticker: ticker))
            }
            routes[id] = zip(explicit, index.wildcardHolders).map { receivers(Array(Set($0).union($1)).sorted()) }
        }
        liveState.routes = routes
        liveState.wildcard = wildcard
        let change = LiveInterestChange(added: interest.subtracting(liveState.interest).sorted(), removed: liveState.interest.subtracting(interest).sorted())
        liveState.interest = interest
        if !change.isEmpty { live.source.interestChanged(change) }
    }

    private func receivers(_ ids: [SubscriberID]) -> [Receiver] {
        ids.compactMap { sid -> Receiver? in
            guard let slot = slots[sid], let s = subscribers[sid] else { return nil }
            return Receiver(slot: slot, dialect: Int32(s.dialect.index))
        }
    }

    /// Gives the encoders the tickers of every live id up to `id` (ids are dense, in order of
    /// first use), so an event never names a symbol an encoder has not seen.
    private func registerLive(through id: SymbolID) {
        guard let live else { return }
        while live.symbols.base + liveState.registered <= id {
            let next = live.symbols.base + liveState.registered
            guard let ticker = live.symbols.ticker(of: next) else { return }
            lead.engine.router.register(next, ticker: ticker)
            liveState.registered += 1
        }
    }

    // MARK: live events

    /// Routes events from the live source to their subscribers at once, encoded once per dialect
    /// like the market's. Events for symbols nobody wants, and for ids outside the live table,
    /// are dropped. Returns notices for connections that must be dropped.
    ///
    /// With `verbatim`, each event also comes as its source wrote it in one dialect (a Polygon
    /// upstream's own bytes): subscribers of that dialect get those bytes, and no time is spent
    /// encoding them again.
    @discardableResult
    public func publish(_ events: [MarketEvent], verbatim: VerbatimEvents? = nil) -> [Notice] {
        guard let live, !events.isEmpty else { return [] }
        let base = live.symbols.base
        lead.engine.router.begin()
        let useVerbatim = verbatim.map { $0.ranges.count == events.count } ?? false
        (verbatim?.frame ?? []).withUnsafeBufferPointer { frame in
            for (i, event) in events.enumerated() {
                let id = event.symbol
                guard symbols.source(of: id) == .live else { continue }
                let k = event.kind.singleIndex
                let receivers = liveState.routes[id]?[k] ?? liveState.wildcard[k]
                guard !receivers.isEmpty else { continue }
                if id >= base + liveState.registered { registerLive(through: id) }
                guard id < base + liveState.registered else { continue }
                let own = useVerbatim ? FrameRouter.Verbatim(dialect: verbatim!.dialect.index, bytes: UnsafeBufferPointer(rebasing: frame[verbatim!.ranges[i]])) : nil
                lead.engine.router.route(event, to: receivers, verbatim: own)
                liveState.published += 1
            }
        }
        var slow: [Int32] = []
        lead.engine.router.flush(slow: &slow)
        return notices(slow)
    }

    /// One notice per slow subscriber. A recording that fell behind loses the frame and counts it.
    private func notices(_ slow: [Int32]) -> [Notice] {
        var seen = Set<Int32>()
        return slow.compactMap { slot in
            if slot == recorderSlot { recordingFramesLost += 1; return nil }
            guard seen.insert(slot).inserted, let id = idsBySlot[slot] else { return nil }
            return .slowConsumer(id)
        }
    }

    /// What the live source is asked for right now: the union of subscribers' live topics.
    public var liveInterest: Set<LiveTopic> { liveState.interest }

    // MARK: the loop

    /// Releases every event up to market time `target` to its receivers. Returns notices for
    /// connections that must be dropped.
    @discardableResult
    public func advance(to target: Timestamp) -> [Notice] {
        // The same instant again is allowed: it installs prepared minutes and moves symbols that
        // waited at a minute's end onto their next one.
        guard target >= now else { return [] }
        let slow = shards.advance(to: target)
        now = target
        return notices(slow)
    }

    // MARK: scenarios and the clock

    /// The scenario timeline the feed follows.
    public private(set) var timeline: ScenarioTimeline

    /// The market time released so far: a change must come after it.
    public var releasedThrough: Timestamp { now }

    /// Follows a new timeline version whose changes start at `from` or later. Symbols whose market
    /// changes before the end of the minute after the current one have those minutes made again at
    /// once, and hold at the change until they are ready; what already went out stays out. So a
    /// scenario takes effect at its instant, within a flush interval plus the time to make one
    /// minute, and nothing before it changes.
    ///
    /// Returns false, changing nothing, when `from` is not after what was released: the caller
    /// stamps its change again at a later instant.
    public func apply(_ new: ScenarioTimeline, changingFrom from: Timestamp) -> Bool {
        guard from > now else { return false }
        let old = timeline
        timeline = new
        for shard in shards.shards {
            shard.engine.factory.setTimeline(new)
            shard.engine.invalidate { id in
                symbols.ticker(of: id).flatMap { new.firstDifference(from: old, for: $0) }.map { max($0, from) }
            }
        }
        return true
    }

    /// Moves straight to market time `target` (forward only): nothing between now and then is sent,
    /// and every symbol starts again from `target`.
    public func jump(to target: Timestamp) {
        guard target > now else { return }
        now = target
        for shard in shards.shards { shard.engine.jump(to: target) }
    }

    /// Symbols with nothing to release until their minute is prepared (new ones, and late ones).
    public var waitingSymbols: Int { sum(\.waitingSymbols) }

    /// Symbols held at the last release for a minute made on demand: a scenario change, a new
    /// subscription or new kinds. Their minute is usually ready well before the next turn.
    public var holdingSymbols: Int { sum(\.holdingSymbols) }

    /// Installs whatever the factory has prepared, without releasing anything: the stepped clock
    /// calls it while it waits for preparation to catch up.
    public func installPrepared() { for shard in shards.shards { shard.engine.installPrepared() } }

    /// Waits (off the actor's hot path, on the factory) until every asked-for minute is prepared, or
    /// `timeout` seconds pass.
    public nonisolated func waitForPreparation(timeout: Double) async {
        let factories = factories
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                let deadline = Date(timeIntervalSinceNow: timeout)
                for factory in factories { factory.waitUntilIdle(timeout: max(0, deadline.timeIntervalSinceNow)) }
                done.resume()
            }
        }
    }

    /// Market time the hub has released through.
    public var marketTime: Timestamp { now }

    /// Events encoded since the hub started (for the encode-once property and benchmarks).
    public var encodeCount: Int { sum(\.router.encodeCount) }
    /// Minutes prepared and installed since the hub started, across symbols.
    public var minutesGenerated: Int { sum(\.minutesPrepared) }

    /// A snapshot for operators and tests.
    public struct Stats: Sendable, Equatable {
        public var subscribers: Int
        public var activeSymbols: Int
        public var minutesGenerated: Int
        public var eventsEncoded: Int
        public var marketTime: Timestamp
        /// Symbols waiting for their minute right now, and how often a symbol reached a minute's
        /// end before its next minute was ready (preparation falling behind).
        public var symbolsWaiting: Int
        public var minutesLate: Int
        /// Minutes asked of the factory and not yet delivered.
        public var preparationBacklog: Int
        /// Events from the live source routed to at least one subscriber, and the topics asked of it.
        public var liveEventsPublished: Int = 0
        public var liveTopics: Int = 0
        public var recordingFramesLost: Int = 0
        /// Live events sent in their source's own bytes (a Polygon upstream to Polygon clients).
        public var liveEventsVerbatim: Int = 0
        /// Release shards the hub runs.
        public var shards: Int = 1
    }

    public var stats: Stats {
        Stats(subscribers: subscribers.count, activeSymbols: activeSymbolCount, minutesGenerated: minutesGenerated,
              eventsEncoded: encodeCount, marketTime: now, symbolsWaiting: waitingSymbols,
              minutesLate: sum(\.minutesLate), preparationBacklog: factories.reduce(0) { $0 + $1.backlog },
              liveEventsPublished: liveState.published, liveTopics: liveState.interest.count, recordingFramesLost: recordingFramesLost,
              liveEventsVerbatim: lead.engine.router.verbatimCount, shards: shards.count)
    }

    /// Events as their source wrote them in one dialect: a frame and each event's range in it,
    /// in the order of the events published with it.
    public struct VerbatimEvents: Sendable {
        public var dialect: DialectID
        public var frame: [UInt8]
        public var ranges: [Range<Int>]
        public init(dialect: DialectID, frame: [UInt8], ranges: [Range<Int>]) {
            self.dialect = dialect
            self.frame = frame
            self.ranges = ranges
        }
    }

    /// Live events sent with their source's own bytes rather than encoded again.
    public var verbatimCount: Int { lead.engine.router.verbatimCount }

    /// Where a hub records what it releases: a queue drained by a writer, and the dialect to
    /// encode in.
    public struct Recording: Sendable {
        public var queue: OutboundQueue
        public var dialect: DialectID
        public init(queue: OutboundQueue, dialect: DialectID) {
            self.queue = queue
            self.dialect = dialect
        }
    }

    private var recorderSlot: Int32 = -1
    /// Frames the recording's writer could not take in time (its queue over its bound): each is
    /// a gap in the recording.
    public private(set) var recordingFramesLost = 0

    /// A live source and the ids its tickers go by.
    public struct LiveFeed: Sendable {
        public var source: any LiveSource
        public var symbols: LiveSymbolTable
        public init(source: any LiveSource, symbols: LiveSymbolTable) {
            self.source = source
            self.symbols = symbols
        }
    }

    /// Routing state of live symbols, rebuilt with every subscription change.
    private struct LiveRouting {
        /// Receivers per kind of each live symbol someone names; wildcard holders included.
        var routes: [SymbolID: [[Receiver]]] = [:]
        /// Receivers per kind of live symbols nobody names (wildcard holders only).
        var wildcard: [[Receiver]] = Array(repeating: [], count: EventKinds.singles.count)
        var interest = Set<LiveTopic>()
        /// Live ids the encoders know, from the table's base.
        var registered: SymbolID = 0
        var published = 0
    }

    /// The shards' factories, reachable without entering the actor.
    private nonisolated let factories: [MinuteFactory]

    deinit { shards.stop() }
}
