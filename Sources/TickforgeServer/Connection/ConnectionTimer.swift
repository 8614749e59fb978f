import Synchronization

/// Sleeps on a `Clock` until a connection's next deadline and hands each one that comes due to
/// the connection (`onDue`). One timer per connection replaces a sleeping task per timeout: arming
/// or disarming a deadline moves the one sleep.
final class ConnectionTimer<C: Clock>: Sendable where C: Sendable, C.Instant: Sendable {
    typealias Deadline = ConnectionDeadline

    private struct State {
        var deadlines = ConnectionDeadlines<C.Instant>()
        /// The task sleeping until `deadlines.next`.
        var sleeper: Task<Void, Never>?
        var onDue: (@Sendable (Deadline) -> Void)?
        var stopped = false
    }

    let clock: C
    private let state = Mutex(State())

    init(clock: C) { self.clock = clock }

    /// Where due deadlines go. Set it before arming anything.
    func onDue(_ handler: @escaping @Sendable (Deadline) -> Void) {
        state.withLock { $0.onDue = handler }
    }

    /// Sets `deadline` to come due `duration` from now.
    func arm(_ deadline: Deadline, after duration: C.Duration) {
        let at = clock.now.advanced(by: duration)
        state.withLock { s in
            guard !s.stopped else { return }
            s.deadlines.arm(deadline, at: at)
            reschedule(&s)
        }
    }

    func disarm(_ deadline: Deadline) {
        state.withLock { s in
            s.deadlines.disarm(deadline)
            reschedule(&s)
        }
    }

    func isArmed(_ deadline: Deadline) -> Bool { state.withLock { $0.deadlines.pending[deadline] != nil } }

    /// The connection is gone: nothing more comes due.
    func stop() {
        state.withLock { s in
            s.stopped = true
            s.deadlines.disarmAll()
            s.sleeper?.cancel()
            s.sleeper = nil
            s.onDue = nil
        }
    }

    /// Replaces the sleep with one until the earliest deadline.
    private func reschedule(_ s: inout State) {
        s.sleeper?.cancel()
        s.sleeper = nil
        guard let next = s.deadlines.next else { return }
        let clock = clock
        s.sleeper = Task { [weak self] in
            guard (try? await clock.sleep(until: next, tolerance: nil)) != nil else { return }
            self?.fireDue()
        }
    }

    private func fireDue() {
        let (due, handler) = state.withLock { s -> ([Deadline], (@Sendable (Deadline) -> Void)?) in
            let due = s.deadlines.expire(at: clock.now)
            reschedule(&s)
            return (due, s.onDue)
        }
        for deadline in due { handler?(deadline) }
    }
}
