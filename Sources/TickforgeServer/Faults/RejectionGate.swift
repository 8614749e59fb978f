import NIOCore
import Synchronization

/// The `reject` faults in force, and the statuses owed to upgrades they refused.
///
/// It is read synchronously where upgrades are decided: the status rewrite of a declined upgrade
/// (`DeclinedUpgradeStatusHandler`) works only when `shouldUpgrade` answers at once (an
/// asynchronous answer lets the request's head through to the router). That handler joins the
/// channel's pipeline only after the upgrade was declined, so the status waits here, by channel,
/// until the handler takes it.
final class RejectionGate: Sendable {
    private struct State {
        var faults: [Fault] = []
        var uses: [String: Int] = [:]
        var owed: [ObjectIdentifier: Int] = [:]
    }
    /// Statuses owed at most: a channel that closed before its handler came leaves one behind.
    private static let maxOwed = 1024
    private let state = Mutex(State())

    func add(_ fault: Fault) { state.withLock { $0.faults.append(fault) } }
    func remove(_ id: String) { state.withLock { $0.faults.removeAll { $0.id == id } } }

    /// The status to refuse an upgrade with, if a `reject` fault has a use left for it; the use
    /// is counted, and the fault stands down when its count is spent.
    func take(dialect: String, path: String) -> (fault: String, status: Int)? {
        state.withLock { s in
            guard let i = s.faults.firstIndex(where: { $0.target.matches(dialect: dialect, path: path, key: nil) }),
                  case .reject(let status) = s.faults[i].kind else { return nil }
            let f = s.faults[i]
            s.uses[f.id, default: 0] += 1
            if let count = f.count, s.uses[f.id]! >= count { s.faults.remove(at: i) }
            return (f.id, status)
        }
    }

    func uses(_ id: String) -> Int? { state.withLock { $0.uses[id] } }

    /// Records that the upgrade on `channel` is answered `status`.
    func owe(_ status: Int, to channel: any Channel) {
        state.withLock { s in
            if s.owed.count >= Self.maxOwed { s.owed.removeAll() }
            s.owed[ObjectIdentifier(channel)] = status
        }
    }

    /// The status owed to `channel`'s declined upgrade, if any (once).
    func takeOwed(by channel: any Channel) -> Int? {
        state.withLock { $0.owed.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}
