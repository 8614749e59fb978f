import TickforgeFeed

/// Live connections, by subscriber and by API key: the place where per-key limits are enforced and
/// where the feed loop finds the connection a hub notice is about. Keys are counted per endpoint
/// (`scope`), as the real services do.
actor ConnectionRegistry {
    private var connections: [SubscriberID: any ManagedConnection] = [:]
    private var byKey: [String: [SubscriberID]] = [:]

    /// Lasting faults (a mute of every Alpaca connection for 30 s, a disconnect-after, a reject
    /// of the next three upgrades): they also reach connections that open, upgrade or
    /// authenticate while they last.
    private var standing: [Fault] = []
    /// The connections each standing fault reached after it took effect.
    private(set) var standingApplied: [String: [String]] = [:]
    /// How many authentications each `auth-fail` fault has refused.
    private var uses: [String: Int] = [:]

    func add(_ c: any ManagedConnection) {
        connections[c.subscriber.id] = c
        applyStanding(to: c)
    }

    /// The `reject` faults, which upgrades consult synchronously.
    nonisolated let rejections = RejectionGate()

    func addStanding(_ fault: Fault) {
        if case .reject = fault.kind { rejections.add(fault) } else { standing.append(fault) }
    }

    func removeStanding(_ id: String) {
        standing.removeAll { $0.id == id }
        rejections.remove(id)
    }

    /// How many upgrades or authentications a counted fault has acted on.
    func usesOf(_ id: String) -> Int { uses[id] ?? rejections.uses(id) ?? 0 }

    /// A connection authenticated (its profile says with which key): the standing faults that
    /// wait for that, or name the key, reach it now.
    func sessionAuthenticated(_ id: SubscriberID) {
        if let c = connections[id] { applyStanding(to: c) }
    }

    private func applyStanding(to c: any ManagedConnection) {
        let p = c.profile
        for f in standing where f.actsOnOpenConnections && f.target.matches(p) && !p.faults.contains(f.id) {
            if f.act(on: c) { standingApplied[f.id, default: []].append(p.id) }
        }
    }

    /// The `auth-fail` fault that refuses this authentication, if one has a use left for it.
    func takeAuthFailure(_ p: ConnectionProfile) -> String? {
        for f in standing {
            guard case .authFail = f.kind, f.target.matches(p) else { continue }
            use(f)
            standingApplied[f.id, default: []].append(p.id)
            return f.id
        }
        return nil
    }

    private func use(_ f: Fault) {
        uses[f.id, default: 0] += 1
        if let count = f.count, uses[f.id]! >= count { removeStanding(f.id) }
    }

    /// The per-key connection limit for this connection: the tightest `connection-limit` fault
    /// that matches it, or the configured one.
    func connectionLimit(for p: ConnectionProfile, configured: Int?) -> Int? {
        let faulted = standing.compactMap { f -> Int? in
            guard case .connectionLimit(let limit) = f.kind, f.target.matches(p) else { return nil }
            return limit
        }
        return faulted.min() ?? configured
    }

    func remove(_ id: SubscriberID) {
        connections.removeValue(forKey: id)
        for (key, ids) in byKey { byKey[key] = ids.filter { $0 != id } }
    }

    func connection(_ id: SubscriberID) -> (any ManagedConnection)? { connections[id] }

    /// Polygon's rule: records that `id` authenticated with `key` and returns the connections
    /// that now exceed `limit`, oldest first, for the caller to evict.
    func authenticated(_ id: SubscriberID, key: String, scope: String, limit: Int?) -> [any ManagedConnection] {
        let k = scope + "\u{0}" + key
        var ids = live(k).filter { $0 != id }
        ids.append(id)
        byKey[k] = ids
        guard let limit, ids.count > limit else { return [] }
        return ids.prefix(ids.count - limit).compactMap { connections[$0] }
    }

    /// Alpaca's rule: admits `id` under `key` only if the key is below `limit`; the newcomer is refused.
    func admit(_ id: SubscriberID, key: String, scope: String, limit: Int?) -> Bool {
        let k = scope + "\u{0}" + key
        let ids = live(k).filter { $0 != id }
        if let limit, ids.count >= limit { return false }
        byKey[k] = ids + [id]
        return true
    }

    private func live(_ k: String) -> [SubscriberID] { byKey[k, default: []].filter { connections[$0] != nil } }

    var all: [any ManagedConnection] { Array(connections.values) }
    var count: Int { connections.count }
}
