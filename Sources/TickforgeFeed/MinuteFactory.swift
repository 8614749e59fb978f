#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TickforgeMarket

/// Prepares symbols' minutes away from the release loop.
///
/// The factory owns a `Market` of its own, built from the hub's configuration: a market is a pure
/// function of its configuration, so its minutes are byte for byte the hub's, whoever computes
/// them. A job names a symbol, a minute and the kinds wanted; the result hands the minute over as
/// two arrays (its ticks and its bars), moved, not copied event by event.
///
/// Jobs for the minute a symbol is in (a new subscription, a kind added) go before jobs for the
/// minute after, which are asked for a whole minute ahead. A cold bar subscription sums up to a
/// day of minute summaries here (about a millisecond per symbol), never on the release loop.
///
/// `background` runs jobs on a thread of the factory's own; `inline` runs each job when it is
/// submitted, on the caller's thread, for tests that want a deterministic, synchronous hub.
final class MinuteFactory: @unchecked Sendable {
    enum Mode: Sendable { case background, inline }

    struct Job: Sendable {
        var symbol: SymbolID
        var minute: Int64
        var kinds: EventKinds
        /// The symbol's generation when the job was asked for; a result of an older one is stale.
        var generation: UInt64
        /// For the minute a symbol is in now, rather than the next one.
        var urgent: Bool
    }

    struct Prepared: Sendable {
        var job: Job
        /// Trades and quotes, in time order.
        var ticks: [MarketEvent]
        /// Bars, in order of their end.
        var bars: [Bar]
    }

    let mode: Mode
    private let market: Market
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var urgent: [Job] = []
    private var ahead: [Job] = []
    private var registrations: [String] = []
    /// A timeline version to install before the next job.
    private var pendingTimeline: ScenarioTimeline?
    private var results: [Prepared] = []
    private var stopped = false
    private var busy = false
    private var thread: Thread?

    init(configuration: MarketConfiguration, timeline: ScenarioTimeline, mode: Mode) {
        market = Market(configuration: configuration, timeline: timeline)
        self.mode = mode
        if mode == .background {
            // The thread keeps the factory alive until `stop()`.
            let thread = Thread { self.work() }
            thread.name = "tickforge-minutes"
            thread.start()
            self.thread = thread
        }
    }

    /// Gives the factory's market the same symbol as the hub's, in the same order, so ids agree.
    func register(_ ticker: String) {
        condition.lock()
        registrations.append(ticker)
        condition.unlock()
        if mode == .inline { applyRegistrations() }
    }

    /// Makes the factory's market follow a new timeline version from the next job on. Jobs asked
    /// for before it may be made under either version; the hub drops those it invalidated.
    func setTimeline(_ timeline: ScenarioTimeline) {
        condition.lock()
        pendingTimeline = timeline
        condition.unlock()
        if mode == .inline { applyRegistrations() }
    }

    func submit(_ job: Job) {
        if mode == .inline {
            let prepared = prepare(job)
            condition.lock()
            results.append(prepared)
            condition.unlock()
            return
        }
        condition.lock()
        if job.urgent { urgent.append(job) } else { ahead.append(job) }
        condition.signal()
        condition.unlock()
    }

    /// Everything prepared since the last call, in completion order.
    func collect() -> [Prepared] {
        condition.lock()
        defer { condition.unlock() }
        guard !results.isEmpty else { return [] }
        var out: [Prepared] = []
        swap(&out, &results)
        return out
    }

    /// Jobs waiting or running.
    var backlog: Int {
        condition.lock()
        defer { condition.unlock() }
        return urgent.count + ahead.count + (busy ? 1 : 0)
    }

    /// Waits until every submitted job has a result (or `timeout` passes): the stepped clock's way
    /// to let preparation set the pace.
    func waitUntilIdle(timeout: TimeInterval) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        while !urgent.isEmpty || !ahead.isEmpty || busy {
            if !condition.wait(until: deadline) { break }
        }
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    deinit { stop() }

    // MARK: the worker

    /// Nice level of the worker: it yields the CPU to the release loop and the sockets, so a burst
    /// of preparation (a cold `A.*` over thousands of symbols) never delays what is ready to go.
    static let niceness: Int32 = 5

    private func work() {
        #if os(Linux)
        // On Linux a nice level belongs to a thread, and `who = 0` names the calling one.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        #endif
        while true {
            condition.lock()
            while urgent.isEmpty, ahead.isEmpty, !stopped { condition.wait() }
            if stopped { condition.unlock(); return }
            let job = urgent.isEmpty ? ahead.removeFirst() : urgent.removeFirst()
            busy = true
            condition.unlock()

            applyRegistrations()
            let prepared = prepare(job)

            condition.lock()
            results.append(prepared)
            busy = false
            condition.broadcast()
            condition.unlock()
        }
    }

    private func applyRegistrations() {
        condition.lock()
        var pending: [String] = []
        swap(&pending, &registrations)
        let timeline = pendingTimeline
        pendingTimeline = nil
        condition.unlock()
        if let timeline { market.timeline = timeline }
        for ticker in pending {
            let id = market.symbolID(for: ticker)
            assert(id != nil, "the hub registered a ticker its own market knows")
        }
    }

    /// Generates the minute and splits it into ticks and bars. Only the factory's thread (or, inline,
    /// the caller) touches the market.
    private func prepare(_ job: Job) -> Prepared {
        var events: [MarketEvent] = []
        market.tape(job.symbol).appendMinute(job.minute, kinds: job.kinds, into: &events)
        var bars: [Bar] = []
        if !job.kinds.isDisjoint(with: .needingDayTotals) {
            var kept = 0
            for i in events.indices {
                if case .bar(let b) = events[i] { bars.append(b) } else { events[kept] = events[i]; kept += 1 }
            }
            events.removeLast(events.count - kept)
        }
        return Prepared(job: job, ticks: events, bars: bars)
    }
}
