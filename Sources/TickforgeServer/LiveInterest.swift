import Synchronization
import TickforgeFeed

/// The `LiveSource` of every source in the server room (an upstream, a replay, and their embedded
/// forms): it keeps the union of interest the hub (or an embedded reader) reports, and wakes the
/// task that acts on it, if one waits (an upstream's subscription writer).
final class LiveInterest: LiveSource {
    private struct State {
        var interest = Set<LiveTopic>()
        var wake: AsyncStream<Void>.Continuation?
    }
    private let state = Mutex(State())

    func interestChanged(_ change: LiveInterestChange) {
        let wake = state.withLock { s in
            s.interest.subtract(change.removed)
            s.interest.formUnion(change.added)
            return s.wake
        }
        wake?.yield()
    }

    var current: Set<LiveTopic> { state.withLock { $0.interest } }

    /// The task to wake on every change (`nil`: none waits, as between an upstream's connections).
    func setWake(_ wake: AsyncStream<Void>.Continuation?) {
        state.withLock { $0.wake = wake }
        wake?.yield()
    }
}
