#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a symbol's scenarios do to it, as functions of time: the *regime* in force at an instant
/// (halted, silent, pinned at a band, a forced session, rate and volatility factors) and the
/// *offset* added to its log price (gaps, trends, extra volatility, moves to a pushed price, the
/// drive to a band, reopening gaps).
///
/// Offsets are applied after the path tiers, so a scenario never moves a price before it starts:
/// the tiers bridge between fixed hour and day ends, and a jump placed inside them would be spread
/// back over the hour.
struct ScenarioEffects {
    /// The symbol's entries (its own and market-wide), by start.
    let entries: [Scenario]
    private var jumps: [(at: Timestamp, delta: Double, since: Timestamp)] = []
    private var trends: [(start: Timestamp, end: Timestamp?, perNano: Double)] = []
    /// Extra Brownian moves: a volatility regime's stay inside its window (a bridge back to zero at
    /// its planned end, a step back at an early one); a forced session's remain, as trading's do.
    private var walks: [(start: Timestamp, end: Timestamp?, sigmaPerMinute: Double, walk: BrownianWalk, onlyWhenClosed: Bool, planned: Timestamp?, staysInWindow: Bool)] = []
    private var ramps: [(start: Timestamp, end: Timestamp, delta: Double)] = []
    private(set) var pins: [(start: Timestamp, end: Timestamp, price: Price, direction: Scenario.LimitDirection)] = []

    /// How long a `limit` takes to reach its band, and how long it holds there before the pause.
    static let limitRamp: Int64 = 10 * Timestamp.nanosPerSecond
    static let limitHold: Int64 = 15 * Timestamp.nanosPerSecond

    var isEmpty: Bool { entries.isEmpty }

    /// - Parameter baseLevel: the unperturbed log level (relative to the base price) at an instant.
    init(entries: [Scenario], symbolKey: RandomKey, profile: SymbolProfile, calendarMode: Bool, baseLevel: (Timestamp) -> Double) {
        self.entries = entries
        let baseUnits = profile.basePrice * 10_000
        // Variance of a typical regular-session minute, in log units.
        let minuteVariance = profile.volatility * profile.volatility / (252 * 390)
        for e in entries {
            let key = symbolKey.child(.minutePlan).child(Self.hash(e.id))
            switch e.kind {
            case .trend(let percentPerHour):
                trends.append((e.start, e.end, log1p(percentPerHour / 100) / Double(Timestamp.nanosPerHour)))
            case .volatility(let multiplier) where multiplier > 1:
                walks.append((e.start, e.end, (minuteVariance * (multiplier * multiplier - 1)).squareRoot(), BrownianWalk(key: key), false, e.plannedEnd, true))
            case .session(let o) where calendarMode && o != .closed && o != .calendar:
                // Forced trading overnight moves like trading hours do: the closed market's calm
                // path gets a regular minute's variance (a fraction of it for extended hours).
                let weight = o == .pre ? IntradayProfile.preMarketVariance : (o == .after ? IntradayProfile.afterHoursVariance : 1)
                walks.append((e.start, e.end, (minuteVariance * weight).squareRoot(), BrownianWalk(key: key), true, nil, false))
            default:
                break
            }
        }
        // Jumps, in time order: each moves from where the price is then, scenarios before it included.
        var pending: [(at: Timestamp, since: Timestamp, isRamp: Bool, make: (Double) -> Double)] = []
        for e in entries {
            switch e.kind {
            case .gap(.percent(let p)):
                pending.append((e.start, e.start, false, { _ in log1p(p / 100) }))
            case .gap(.price(let price)):
                pending.append((e.start, e.start, false, { current in log(Double(price.units) / baseUnits) - current }))
            case .push(.trade(let price, _, _, _), true):
                pending.append((e.start, e.start, false, { current in log(Double(price.units) / baseUnits) - current }))
            case .push(.quote(let bid, let ask, _, _, _, _), true):
                let mid = (Double(bid.units) + Double(ask.units)) / 2
                pending.append((e.start, e.start, false, { current in log(mid / baseUnits) - current }))
            case .halt(_, let reopen) where reopen != 0:
                if let end = e.end { pending.append((end, e.start, false, { _ in log1p(reopen / 100) })) }
            case .limit(let direction):
                // Drive to the band over 10 s from where the price is, hold it there 15 s; the
                // pause that follows is a halt entry of its own.
                let rampEnd = e.start + Self.limitRamp
                var target = Price(units: 0)
                pending.append((e.start, e.start, true, { current in
                    let b = LULDRules.band(aroundUnits: baseUnits * exp(current), tier: profile.luldTier, doubled: false)
                    target = direction == .up ? b.up : b.down
                    return log(Double(target.units) / baseUnits) - current
                }))
                pins.append((rampEnd, rampEnd + Self.limitHold, Price(units: 0), direction))
            default:
                break
            }
        }
        pending.sort { $0.at < $1.at }
        for p in pending {
            let current = baseLevel(p.at) + offset(at: p.at, before: true)
            let delta = p.make(current)
            if p.isRamp {
                ramps.append((p.at, p.at + Self.limitRamp, delta))
                // The band price the ramp reaches is where the hold pins trades.
                if let i = pins.firstIndex(where: { $0.start == p.at + Self.limitRamp && $0.price.units == 0 }) {
                    pins[i].price = Price.gridNearest(baseUnits * exp(current + delta))
                }
            } else {
                jumps.append((p.at, delta, p.since))
            }
        }
    }

    /// The log offset at `t`. With `before`, the jumps at exactly `t` are left out.
    func offset(at t: Timestamp, before: Bool = false) -> Double {
        var o = 0.0
        for j in jumps where before ? j.at < t : j.at <= t { o += j.delta }
        for r in ramps where r.start < t {
            let span = Double(r.end - r.start)
            o += r.delta * min(1, Double(t - r.start) / span)
        }
        for tr in trends where tr.start < t {
            o += tr.perNano * Double(min(t, tr.end ?? t) - tr.start)
        }
        for w in walks where w.start < t {
            if w.staysInWindow, let end = w.end, t >= end { continue }
            o += walkValue(w, at: min(t, w.end ?? t))
        }
        return Self.bounded(o)
    }

    /// Scenarios move a price at most 10,000 times up or down, however they stack (gaps on gaps,
    /// a steep trend for a year): prices, and the notionals summed from them, stay far from
    /// overflowing.
    static let maxOffset = log(10_000.0)

    /// The most that stacked liquidity, burst or volatility regimes multiply a symbol's trade rate
    /// or its volatility by, the same bound a single one has.
    static let maxRegimeFactor = 100.0

    static func bounded(_ offset: Double) -> Double {
        offset.isFinite ? min(max(offset, -maxOffset), maxOffset) : 0
    }

    private func walkValue(_ w: (start: Timestamp, end: Timestamp?, sigmaPerMinute: Double, walk: BrownianWalk, onlyWhenClosed: Bool, planned: Timestamp?, staysInWindow: Bool), at t: Timestamp) -> Double {
        let nanosPerMinute = Double(Timestamp.nanosPerMinute)
        let minutes = w.onlyWhenClosed ? Self.closedMinutes(from: w.start, to: t) : Double(t - w.start) / nanosPerMinute
        var value = w.walk.value(atMinutes: minutes)
        if w.staysInWindow, let planned = w.planned, planned > w.start {
            // A Brownian bridge: back to zero at the planned end.
            let total = Double(planned - w.start) / nanosPerMinute
            value -= min(1, minutes / total) * w.walk.value(atMinutes: total)
        }
        return w.sigmaPerMinute * value
    }

    /// The offset at `t` as the regime in force at `from` would have it, ignoring every start, end
    /// and jump after `from`: the minute's continuation, which must equal what a minute without
    /// breakpoints would have been.
    func continuationOffset(at t: Timestamp, from: Timestamp) -> Double {
        var o = 0.0
        for j in jumps where j.at <= from { o += j.delta }
        for r in ramps where r.start < from {
            o += r.delta * min(1, Double(t - r.start) / Double(r.end - r.start))
        }
        for tr in trends where tr.start <= from && (tr.end.map { $0 > from } ?? true) {
            o += tr.perNano * Double(t - tr.start)
        }
        for tr in trends where tr.start <= from {
            if let end = tr.end, end <= from { o += tr.perNano * Double(end - tr.start) }
        }
        for w in walks where w.start <= from {
            let running = w.end.map { $0 > from } ?? true
            if w.staysInWindow, !running { continue }
            o += walkValue(w, at: running ? t : w.end!)
        }
        return Self.bounded(o)
    }

    // MARK: regimes

    /// What is in force at an instant, besides the price offset.
    struct Regime: Equatable {
        var silent = false
        var halt: HaltReason?
        var session: SessionOverride?
        var intensity = 1.0
        var varianceFactor = 1.0
        var pin: Price?

        var isQuiet: Bool { silent || halt != nil || session == .closed }
    }

    func regime(at t: Timestamp) -> Regime {
        var r = Regime()
        for e in entries where e.isActive(at: t) {
            switch e.kind {
            case .stale: r.silent = true
            case .halt(let reason, _): r.halt = reason
            case .session(let o): r.session = o
            case .liquidity(let m): r.intensity *= max(0, m)
            case .volatility(let m): r.varianceFactor *= max(0, m * m)
            default: break
            }
        }
        // Regimes stack by multiplying, but together no further than one regime may go: eight
        // stacked 100× volatilities would otherwise ask for a spread of 10^16 ticks, and stacked
        // bursts for billions of trades in a minute.
        r.intensity = min(r.intensity, Self.maxRegimeFactor)
        r.varianceFactor = min(r.varianceFactor, Self.maxRegimeFactor * Self.maxRegimeFactor)
        for p in pins where p.start <= t && t < p.end { r.pin = p.price }
        return r
    }

    /// Instants inside `[from, to)` where the regime or the offset's course changes, with `from` first.
    func breakpoints(from: Timestamp, to: Timestamp) -> [Timestamp] {
        var out: Set<Int64> = [from.nanoseconds]
        func note(_ t: Timestamp?) { if let t, t > from, t < to { out.insert(t.nanoseconds) } }
        for e in entries {
            if e.isPointEvent {
                // A push that moves the market changes the course; other point events do not.
                if case .push(_, true) = e.kind { note(e.start) }
                continue
            }
            note(e.start)
            note(e.end)
            // A halt's status and flagged quote at its start are events even on the minute's first instant.
            if case .halt = e.kind, e.start == from { out.insert(from.nanoseconds) }
        }
        for r in ramps { note(r.start); note(r.end) }
        for p in pins { note(p.start); note(p.end) }
        return out.sorted().map { Timestamp(nanoseconds: $0) }
    }

    /// Whether minute `[t0, t1)` is one regime with a smooth offset and nothing pushed into it: its
    /// summary then comes from a perturbed `MinuteState` in bounded work.
    func isUniform(from t0: Timestamp, to t1: Timestamp) -> Bool {
        guard breakpoints(from: t0, to: t1).count == 1 else { return false }
        for e in entries where e.start >= t0 && e.start < t1 {
            switch e.kind {
            case .push, .halt: return false
            default: continue
            }
        }
        if pins.contains(where: { $0.start < t1 && $0.end > t0 }) { return false }
        if ramps.contains(where: { $0.start < t1 && $0.end > t0 }) { return false }
        for e in entries {
            if case .halt(_, _) = e.kind, let end = e.end, end >= t0, end < t1 { return false }
        }
        return true
    }

    /// Minutes in `[from, to)` when NYSE's calendar has the market closed.
    static func closedMinutes(from: Timestamp, to: Timestamp) -> Double {
        guard to > from else { return 0 }
        var closed = 0.0
        var day = NewYorkTime.localDayNumber(of: from)
        let lastDay = NewYorkTime.localDayNumber(of: Timestamp(nanoseconds: to.nanoseconds - 1))
        while day <= lastDay {
            let dayStart = NewYorkTime.startOfDay(CivilDate(dayNumber: day))
            let dayEnd = NewYorkTime.startOfDay(CivilDate(dayNumber: day + 1))
            let a = max(from, dayStart), b = min(to, dayEnd)
            var minutes = Double(b - a) / Double(Timestamp.nanosPerMinute)
            if let s = NYSECalendar.schedule(for: CivilDate(dayNumber: day)) {
                let open = dayStart + Int64(s.preMarketOpen) * Timestamp.nanosPerMinute
                let close = dayStart + Int64(s.afterHoursClose) * Timestamp.nanosPerMinute
                let overlap = min(b, close) - max(a, open)
                if overlap > 0 { minutes -= Double(overlap) / Double(Timestamp.nanosPerMinute) }
            }
            closed += minutes
            day += 1
        }
        return closed
    }

    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
