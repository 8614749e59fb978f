import Synchronization
import TickforgeMarket

/// The market clock the feed loop reads and the control API steers: speed, pause, resume and
/// forward jumps, each carrying on from the market time it is applied at.
final class FeedClock: Sendable {
    struct State: Sendable {
        var clock: MarketClock
        var paused = false
        /// The speed to resume at.
        var running: ClockSpeed
    }

    private let state: Mutex<State>

    init(_ clock: MarketClock) {
        state = Mutex(State(clock: clock, running: clock.speed))
    }

    var snapshot: State { state.withLock { $0 } }
    var now: Timestamp { state.withLock { $0.clock.now() } }
    var isStepped: Bool { state.withLock { $0.running == .max } }
    var isPaused: Bool { state.withLock { $0.paused } }

    /// Moves a stepped clock forward (not while paused).
    func step(by nanoseconds: Int64) {
        state.withLock { s in
            guard !s.paused, s.clock.isStepped else { return }
            s.clock.advance(to: s.clock.now() + nanoseconds)
        }
    }

    func setSpeed(_ speed: ClockSpeed) {
        state.withLock { s in
            s.running = speed
            if !s.paused { s.clock.reanchor(at: s.clock.now(), speed: speed) }
        }
    }

    func pause() {
        state.withLock { s in
            guard !s.paused else { return }
            s.paused = true
            s.clock.reanchor(at: s.clock.now(), speed: .multiplier(0))
        }
    }

    func resume() {
        state.withLock { s in
            guard s.paused else { return }
            s.paused = false
            s.clock.reanchor(at: s.clock.now(), speed: s.running)
        }
    }

    /// Jumps forward to `target`; returns false (and does nothing) if it is not ahead.
    func jump(to target: Timestamp) -> Bool {
        state.withLock { s in
            guard target > s.clock.now() else { return false }
            s.clock.reanchor(at: target, speed: s.paused ? .multiplier(0) : s.running)
            return true
        }
    }
}
