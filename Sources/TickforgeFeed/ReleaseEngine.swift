import TickforgeMarket

/// The hub's hot path: it walks the symbols being generated in id order and releases their events
/// up to a market time through the router.
///
/// It is a plain struct owned by the hub, so the loop reads its own stored properties without the
/// dynamic exclusivity checks an actor's or a class's properties pay per access.
struct ReleaseEngine {
    var router: FrameRouter
    let barDelay: Int64
    /// Active symbols in id order.
    private(set) var symbols: [ActiveSymbol] = []
    private(set) var minutesGenerated = 0

    init(encoders: [any DialectEncoder], maxFrameBytes: Int, barDelay: Int64) {
        router = FrameRouter(encoders: encoders, maxFrameBytes: maxFrameBytes)
        self.barDelay = barDelay
    }

    /// Makes the active set exactly `wanted`; new symbols start at `now`, and symbols whose kinds
    /// changed regenerate their current minute (what already went out stays out).
    mutating func setActive(_ wanted: [(id: SymbolID, kinds: EventKinds, routes: [[Receiver]])], now: Timestamp, market: Market) {
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
                a.upcomingMinute = .min
                if a.load(minute: a.minute, barDelay: barDelay, market: market) { minutesGenerated += 1 }
            }
            symbols.append(a)
        }
    }

    /// Generates the next minute of up to `budget` symbols ahead of time, so that a minute
    /// boundary does not make one loop turn generate a minute for every symbol at once.
    mutating func prepareUpcoming(budget: Int, market: Market) {
        var left = budget
        for i in symbols.indices where left > 0 && symbols[i].upcomingMinute != symbols[i].minute + 1 {
            symbols[i].prepareNextMinute(market: market)
            minutesGenerated += 1
            left -= 1
        }
    }

    /// Releases every event up to `target` and queues the frames; subscribers over their bound
    /// are appended to `slow`.
    mutating func advance(to target: Timestamp, market: Market, slow: inout [Int32]) {
        router.begin()
        for i in symbols.indices {
            while true {
                symbols[i].release(through: target, barDelay: barDelay, router: &router)
                let minuteEnd = Timestamp(nanoseconds: (symbols[i].minute + 1) * Timestamp.nanosPerMinute)
                guard target >= minuteEnd else { break }
                symbols[i].releasedThrough = max(symbols[i].releasedThrough, minuteEnd + -1)
                let next = symbols[i].minute + 1
                if symbols[i].load(minute: next, barDelay: barDelay, market: market) { minutesGenerated += 1 }
            }
            symbols[i].releasedThrough = max(symbols[i].releasedThrough, target)
        }
        router.flush(slow: &slow)
    }
}

/// A symbol being generated: its current minute's events and how far they have gone out.
struct ActiveSymbol {
    let id: SymbolID
    var kinds: EventKinds
    /// routes[kind index]: receivers of that kind of this symbol.
    var routes: [[Receiver]]
    var minute: Int64
    var ticks: [MarketEvent] = []
    var nextTick = 0
    /// Bars wait for their release time (end + delay) in their own queue.
    var bars: [Bar] = []
    var nextBar = 0
    /// The next minute, generated ahead of time.
    var upcoming: [MarketEvent] = []
    var upcomingMinute: Int64 = .min
    /// Nothing at or before this instant is sent (a late subscriber gets no backfill).
    var releasedThrough: Timestamp
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

    /// Makes `minute` current: takes the prepared minute or generates it (returns whether it
    /// generated), and drops what must not go out. Loading the minute that is already current
    /// (its kinds changed) must never send twice what was sent or queue twice what is queued:
    ///
    /// - ticks at or before `releasedThrough` went out already (or predate a new subscriber);
    /// - bars queued from earlier minutes keep their place; this minute's bars are taken afresh
    ///   from the new generation, which replaces the ones queued by the previous load;
    /// - a bar is queued while it has not gone out (`end + barDelay > releasedThrough`) and only
    ///   if its window ends after its kind started flowing (`since`: no backfill).
    ///
    /// The bar queue stays in order of `end`, so bars go out in time order whatever order their
    /// kinds were added in.
    mutating func load(minute: Int64, barDelay: Int64, market: Market) -> Bool {
        var generated = false
        if upcomingMinute == minute {
            swap(&ticks, &upcoming)
        } else {
            ticks.removeAll(keepingCapacity: true)
            market.tape(id).appendMinute(minute, kinds: kinds, into: &ticks)
            generated = true
        }
        upcoming.removeAll(keepingCapacity: true)
        upcomingMinute = .min
        self.minute = minute
        nextTick = 0
        let minuteStart = Timestamp(nanoseconds: minute * Timestamp.nanosPerMinute)
        bars.removeFirst(nextBar)
        nextBar = 0
        bars.removeAll { $0.end > minuteStart }
        var kept = 0
        for i in ticks.indices {
            let e = ticks[i]
            if case .bar(let b) = e {
                if b.end + barDelay > releasedThrough, b.end > since[e.kind.singleIndex] { bars.append(b) }
            } else if e.timestamp > releasedThrough {
                ticks[kept] = e
                kept += 1
            }
        }
        ticks.removeLast(ticks.count - kept)
        return generated
    }

    mutating func prepareNextMinute(market: Market) {
        upcoming.removeAll(keepingCapacity: true)
        market.tape(id).appendMinute(minute + 1, kinds: kinds, into: &upcoming)
        upcomingMinute = minute + 1
    }

    /// Routes this minute's ticks up to `target`, and bars whose release time has come.
    mutating func release(through target: Timestamp, barDelay: Int64, router: inout FrameRouter) {
        while nextTick < ticks.count, ticks[nextTick].timestamp <= target {
            router.route(ticks[nextTick], to: routes[ticks[nextTick].kind.singleIndex])
            nextTick += 1
        }
        while nextBar < bars.count, bars[nextBar].end + barDelay <= target {
            let event = MarketEvent.bar(bars[nextBar])
            router.route(event, to: routes[event.kind.singleIndex])
            nextBar += 1
        }
    }
}
