import NIOPosix
import ServiceLifecycle
import Synchronization
import TickforgeDialects
import TickforgeMarket

/// Something that must see every new scenario timeline the moment the control plane adopts it.
protocol TimelineFollower: Sendable {
    func follow(_ timeline: ScenarioTimeline)
}

/// The market the REST routes answer from: a `Market` of its own, built from the same
/// configuration as the feed's and following the same timeline, so that every answer equals what
/// the stream sends for the same instant. Its questions run one at a time on a thread of their
/// own, never on the threads that release the stream's events: a year of bars can keep this thread
/// busy, and the stream still has the other cores.
final class MarketHistory: TimelineFollower, Service {
    /// What a question is given: the market as of `now` (the market clock when it was asked),
    /// and the day totals remembered since the timeline last changed.
    struct Reader {
        let market: Market
        var memo: DayTotalsMemo
        let now: Timestamp

        /// The tape of `ticker` (any ticker of the universe), or `nil` outside it or when it is
        /// not shaped like a ticker at all.
        func tape(_ ticker: String) -> SymbolTape? {
            guard ticker != "*", AlpacaSession.isValidSymbol(ticker) else { return nil }
            return market.symbolID(for: ticker).map { market.tape($0) }
        }
    }

    private struct State {
        var market: Market
        var memo = DayTotalsMemo()
    }

    /// Tapes kept before the market starts afresh: an open universe lets a client name any
    /// ticker, and each named one keeps a tape.
    static let maxTapes = 20_000

    private let configuration: MarketConfiguration
    private let clock: FeedClock
    private let pool = NIOThreadPool(numberOfThreads: 1)
    private let state: Mutex<State>
    /// The newest timeline, picked up by the next question (a question running keeps its own).
    private let latest: Mutex<ScenarioTimeline?> = Mutex(nil)

    init(configuration: MarketConfiguration, timeline: ScenarioTimeline, clock: FeedClock) {
        self.configuration = configuration
        self.clock = clock
        state = Mutex(State(market: Market(configuration: configuration, timeline: timeline)))
        pool.start()
    }

    func follow(_ timeline: ScenarioTimeline) {
        latest.withLock { $0 = timeline }
    }

    /// The market clock's time now.
    var now: Timestamp { clock.now }

    /// Answers `question` on the history thread, as of the market clock's time now.
    func read<T: Sendable>(_ question: @escaping @Sendable (inout Reader) -> T) async throws -> T {
        let now = clock.now
        return try await pool.runIfActive { [self] in
            let timeline = latest.withLock { t in defer { t = nil }; return t }
            return state.withLock { s in
                if let timeline {
                    // A scenario can change any day from its instant on: what was summed is stale.
                    s.market.timeline = timeline
                    s.memo = DayTotalsMemo()
                }
                if s.market.symbolCount > Self.maxTapes {
                    s = State(market: Market(configuration: configuration, timeline: s.market.timeline))
                }
                var reader = Reader(market: s.market, memo: s.memo, now: now)
                // The reader holds the only reference while it works, so its memo grows in place.
                s.memo = DayTotalsMemo()
                let answer = question(&reader)
                s.memo = reader.memo
                return answer
            }
        }
    }

    /// Runs until the server shuts down, then stops the history thread.
    func run() async throws {
        try? await gracefulShutdown()
        try await pool.shutdownGracefully()
    }
}
