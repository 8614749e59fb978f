import TickforgeMarket

/// The hub's hot path: it walks the symbols being generated in id order and releases their events
/// up to a market time through the router. It never generates: minutes come ready-made from the
/// `MinuteFactory`, a minute ahead, and a symbol whose next minute is not ready yet waits (and is
/// counted) rather than stalling everyone else.
///
/// It is a plain struct owned by the hub, so the loop reads its own stored properties without the
/// dynamic exclusivity checks an actor's or a class's properties pay per access.
struct ReleaseEngine {
    var router: FrameRouter
    let barDelay: Int64
    let factory: MinuteFactory
    /// Active symbols in id order.
    private(set) var symbols: [ActiveSymbol] = []
    /// Minutes installed since the hub started, across symbols.
    private(set) var minutesPrepared = 0
    /// Times a symbol reached a minute's end before its next minute was ready.
    private(set) var minutesLate = 0

    init(encoders: [any DialectEncoder], maxFrameBytes: Int, barDelay: Int64, factory: MinuteFactory) {
        router = FrameRouter(encoders: encoders, maxFrameBytes: maxFrameBytes)
        self.barDelay = barDelay
        self.factory = factory
    }

    /// Symbols that have nothing to release until the factory delivers (new, or late for their
    /// next minute), as of the last `advance` or `installPrepared`.
    private(set) var waitingSymbols = 0
    /// Of those, the symbols waiting on a minute made on demand (a scenario change, a new
    /// subscription, new kinds) rather than late ones: the loop looks again soon for these.
    private(set) var holdingSymbols = 0

    /// Makes the active set exactly `wanted`. New symbols, and symbols whose kinds changed, ask
    /// the factory for their current minute; until it comes, a changed symbol goes on releasing
    /// what it has, and a new one releases nothing.
    mutating func setActive(_ wanted: [(id: SymbolID, kinds: EventKinds, routes: [[Receiver]])], now: Timestamp) {
        var old: [SymbolID: ActiveSymbol] = [:]
        for s in symbols { old[s.id] = s }
        symbols.removeAll(keepingCapacity: true)
        for w in wanted.sorted(by: { $0.id < $1.id }) {
            var a = old.removeValue(forKey: w.id)
                ?? ActiveSymbol(id: w.id, kinds: [], routes: [], minute: now.minuteIndex, releasedThrough: now)
            a.routes = w.routes
            if a.kinds != w.kinds {
                // A kind that starts now gets nothing from before now; kinds already flowing keep their start.
                for k in EventKinds.singles where w.kinds.contains(k) && !a.kinds.contains(k) { a.since[k.singleIndex] = a.releasedThrough }
                a.kinds = w.kinds
                a.generation += 1
                a.upcoming = nil
                factory.submit(.init(symbol: a.id, minute: a.minute, kinds: a.kinds, generation: a.generation, urgent: true))
            }
            symbols.append(a)
        }
    }

    /// Makes again the current and next minutes of every symbol whose market changed (from the
    /// minute `changedFrom` returns) before the end of its next minute. The new current minute is
    /// installed as a reload: ticks already sent stay sent.
    ///
    /// Until the new minute is installed, the symbol holds at the change: ticks and bars before it
    /// go on out, nothing at or after it does, so no event of the old version that the change
    /// replaces can slip out in between.
    mutating func invalidate(changedFrom: (SymbolID) -> Timestamp?) {
        for i in symbols.indices {
            guard let from = changedFrom(symbols[i].id), from.minuteIndex <= symbols[i].minute + 1 else { continue }
            symbols[i].generation += 1
            symbols[i].upcoming = nil
            symbols[i].holdFrom = min(symbols[i].holdFrom, from.nanoseconds)
            factory.submit(.init(symbol: symbols[i].id, minute: symbols[i].minute, kinds: symbols[i].kinds, generation: symbols[i].generation, urgent: true))
        }
    }

    /// Starts every symbol again at `target`: what lies between is never sent.
    mutating func jump(to target: Timestamp) {
        for i in symbols.indices {
            symbols[i].generation += 1
            symbols[i].upcoming = nil
            symbols[i].minute = target.minuteIndex
            symbols[i].releasedThrough = target
            symbols[i].ticks = []
            symbols[i].nextTick = 0
            symbols[i].bars = []
            symbols[i].nextBar = 0
            symbols[i].noteNextDue(barDelay: barDelay)
            symbols[i].isLate = false
            symbols[i].hasMinute = false
            symbols[i].holdFrom = .max
            factory.submit(.init(symbol: symbols[i].id, minute: symbols[i].minute, kinds: symbols[i].kinds, generation: symbols[i].generation, urgent: true))
        }
    }

    /// Releases every event up to `target` and queues the frames; subscribers over their bound
    /// are appended to `slow`.
    mutating func advance(to target: Timestamp, slow: inout [Int32]) {
        release(to: target)
        router.flush(slow: &slow)
    }

    /// Releases every event up to `target` into the router's runs, without framing them: a
    /// sharded hub frames every shard's runs together (`FrameRouter.flush(_:slow:)`).
    ///
    /// The symbols and the router are moved into locals for the loop: touched through `self`, each
    /// element access could copy an `ActiveSymbol` (retaining every array in it) or pay an
    /// exclusivity check.
    mutating func release(to target: Timestamp) {
        installPrepared()
        var syms: [ActiveSymbol] = []
        var router = FrameRouter.placeholder
        swap(&syms, &symbols)
        swap(&router, &self.router)
        defer {
            swap(&syms, &symbols)
            swap(&router, &self.router)
        }
        router.begin()
        var waiting = 0, holding = 0
        for i in syms.indices {
            guard syms[i].hasMinute else { waiting += 1; holding += 1; continue }
            // A symbol whose minute is being made again for a scenario goes no further than the
            // instant the scenario changes.
            let reach = syms[i].holdFrom > target.nanoseconds ? target : Timestamp(nanoseconds: syms[i].holdFrom - 1)
            if reach < target { waiting += 1; holding += 1 }
            while true {
                syms[i].release(through: reach, barDelay: barDelay, router: &router)
                let minuteEnd = Timestamp(nanoseconds: (syms[i].minute + 1) * Timestamp.nanosPerMinute)
                guard reach >= minuteEnd else { break }
                if !syms[i].hasNextMinute { collect(into: &syms) }
                guard syms[i].hasNextMinute else {
                    // Late: what is released stops at the minute's end until the factory catches up.
                    if !syms[i].isLate { syms[i].isLate = true; minutesLate += 1 }
                    waiting += 1
                    break
                }
                syms[i].releasedThrough = max(syms[i].releasedThrough, minuteEnd + -1)
                syms[i].moveToNextMinute(barDelay: barDelay)
                minutesPrepared += 1
                requestNext(syms[i])
            }
            if !syms[i].isLate { syms[i].releasedThrough = max(syms[i].releasedThrough, reach) }
        }
        waitingSymbols = waiting
        holdingSymbols = holding
    }

    /// Takes what the factory has ready: a symbol's current minute (new, or with changed kinds)
    /// or its next one. Results for kinds that have changed since are stale and dropped.
    mutating func installPrepared() {
        var syms: [ActiveSymbol] = []
        swap(&syms, &symbols)
        collect(into: &syms)
        waitingSymbols = syms.indices.reduce(0) { $0 + (syms[$1].isWaiting ? 1 : 0) }
        swap(&syms, &symbols)
    }

    private mutating func collect(into syms: inout [ActiveSymbol]) {
        let ready = factory.collect()
        guard !ready.isEmpty else { return }
        for prepared in ready {
            guard let i = Self.index(of: prepared.job.symbol, in: syms), syms[i].generation == prepared.job.generation else { continue }
            if prepared.job.minute == syms[i].minute {
                syms[i].installCurrent(prepared, barDelay: barDelay)
                minutesPrepared += 1
                requestNext(syms[i])
            } else if prepared.job.minute == syms[i].minute + 1 {
                syms[i].upcoming = prepared
            }
        }
    }

    private func requestNext(_ s: borrowing ActiveSymbol) {
        factory.submit(.init(symbol: s.id, minute: s.minute + 1, kinds: s.kinds, generation: s.generation, urgent: false))
    }

    private static func index(of id: SymbolID, in syms: [ActiveSymbol]) -> Int? {
        var lo = 0, hi = syms.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if syms[mid].id < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < syms.count && syms[lo].id == id ? lo : nil
    }
}

/// A symbol being released: its current minute's events and how far they have gone out.
struct ActiveSymbol {
    let id: SymbolID
    var kinds: EventKinds
    /// routes[kind index]: receivers of that kind of this symbol.
    var routes: [[Receiver]]
    /// Bumped whenever the kinds change; prepared minutes of an older generation are stale.
    var generation: UInt64 = 0
    var minute: Int64
    /// Whether `ticks` and `bars` hold `minute` (false for a new symbol until the factory delivers).
    var hasMinute = false
    /// Whether the symbol reached its minute's end and waits for the next one.
    var isLate = false
    var ticks: [MarketEvent] = []
    var nextTick = 0
    /// Bars wait for their release time (end + delay) in their own queue, in order of `end`.
    var bars: [Bar] = []
    var nextBar = 0
    /// The next minute, prepared ahead.
    var upcoming: MinuteFactory.Prepared? { didSet { upcomingMinute = upcoming?.job.minute ?? .min } }
    /// Nothing at or before this instant is sent again, nor sent to a kind that started after it.
    var releasedThrough: Timestamp
    /// While a scenario's change waits for its minute to be made again: the instant (ns) it
    /// changes from, which nothing released may reach. `Int64.max` when none waits.
    var holdFrom: Int64 = .max
    /// Per kind (`EventKinds.singles` order), when it started flowing for this symbol: a bar whose
    /// window ends at or before its kind's start is never sent.
    var since: [Timestamp] = Array(repeating: Timestamp(nanoseconds: .min), count: EventKinds.singles.count)

    init(id: SymbolID, kinds: EventKinds, routes: [[Receiver]], minute: Int64, releasedThrough: Timestamp) {
        self.id = id
        self.kinds = kinds
        self.routes = routes
        self.minute = minute
        self.releasedThrough = releasedThrough
    }

    /// Whether the symbol cannot release anything more until the factory delivers: it has no
    /// minute yet, or it is at its minute's end without the next one.
    var isWaiting: Bool { !hasMinute || (isLate && !hasNextMinute) }
    var hasNextMinute: Bool { upcomingMinute == minute + 1 }
    /// The minute `upcoming` holds (`.min` when none), so that checking it copies nothing.
    var upcomingMinute: Int64 = .min

    /// Installs a fresh generation of the current minute (the symbol is new, or its kinds
    /// changed). It must never send twice what was sent or queue twice what is queued:
    ///
    /// - ticks at or before `releasedThrough` went out already (or predate a new subscriber);
    /// - bars queued from earlier minutes keep their place; this minute's bars are taken afresh
    ///   from the new generation, which replaces the ones queued from the previous one;
    /// - a bar is queued while it has not gone out (`end + barDelay > releasedThrough`) and only
    ///   if its window ends after its kind started flowing (`since`: no backfill).
    ///
    /// The bar queue stays in order of `end`, so bars go out in time order whatever order their
    /// kinds were added in.
    mutating func installCurrent(_ prepared: MinuteFactory.Prepared, barDelay: Int64) {
        ticks = prepared.ticks
        // The first tick not yet released.
        var lo = 0, hi = ticks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ticks[mid].timestamp <= releasedThrough { lo = mid + 1 } else { hi = mid }
        }
        nextTick = lo
        let minuteStart = Timestamp(nanoseconds: minute * Timestamp.nanosPerMinute)
        bars.removeFirst(nextBar)
        nextBar = 0
        bars.removeAll { $0.end > minuteStart }
        for b in prepared.bars where b.end + barDelay > releasedThrough && b.end > since[MarketEvent.bar(b).kind.singleIndex] {
            bars.append(b)
        }
        hasMinute = true
        isLate = false
        holdFrom = .max
        noteNextDue(barDelay: barDelay)
    }

    /// Makes the prepared next minute current; everything in it is new.
    mutating func moveToNextMinute(barDelay: Int64) {
        guard let next = upcoming else { return }
        upcoming = nil
        minute += 1
        ticks = next.ticks
        nextTick = 0
        bars.removeFirst(nextBar)
        nextBar = 0
        for b in next.bars where b.end > since[MarketEvent.bar(b).kind.singleIndex] { bars.append(b) }
        isLate = false
        noteNextDue(barDelay: barDelay)
    }

    /// When the next tick and the next bar fall due (ns; `Int64.max` when none waits), kept here
    /// so that a turn looks at a symbol with nothing due without touching its minute's arrays.
    /// A busy minute's ticks run to megabytes per symbol; reaching into a thousand of them every
    /// turn, for a first tick that is not due yet, cost a cache and TLB miss each (BENCHMARKS.md).
    private(set) var nextTickDue: Int64 = .max
    private(set) var nextBarDue: Int64 = .max

    /// Reads the due times again after `ticks`, `bars` or their cursors changed.
    mutating func noteNextDue(barDelay: Int64) {
        nextTickDue = nextTick < ticks.count ? ticks[nextTick].timestamp.nanoseconds : .max
        nextBarDue = nextBar < bars.count ? bars[nextBar].end.nanoseconds + barDelay : .max
    }

    /// Routes this minute's ticks up to `target`, and bars whose release time has come.
    mutating func release(through target: Timestamp, barDelay: Int64, router: inout FrameRouter) {
        if nextTickDue <= target.nanoseconds {
            while nextTick < ticks.count, ticks[nextTick].timestamp <= target {
                router.route(ticks[nextTick], to: routes[ticks[nextTick].kind.singleIndex])
                nextTick += 1
            }
            nextTickDue = nextTick < ticks.count ? ticks[nextTick].timestamp.nanoseconds : .max
        }
        if nextBarDue <= target.nanoseconds {
            while nextBar < bars.count, bars[nextBar].end + barDelay <= target {
                let event = MarketEvent.bar(bars[nextBar])
                router.route(event, to: routes[event.kind.singleIndex])
                nextBar += 1
            }
            nextBarDue = nextBar < bars.count ? bars[nextBar].end.nanoseconds + barDelay : .max
        }
    }
}
