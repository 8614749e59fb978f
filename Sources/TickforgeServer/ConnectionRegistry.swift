import TickforgeFeed

/// Live connections, by subscriber and by API key: the place where per-key limits are enforced and
/// where the feed loop finds the connection a hub notice is about.
actor ConnectionRegistry {
    private var connections: [SubscriberID: FeedConnection] = [:]
    private var byKey: [String: [SubscriberID]] = [:]

    func add(_ c: FeedConnection) { connections[c.subscriber.id] = c }

    func remove(_ id: SubscriberID) {
        connections.removeValue(forKey: id)
        for (key, ids) in byKey { byKey[key] = ids.filter { $0 != id } }
    }

    func connection(_ id: SubscriberID) -> FeedConnection? { connections[id] }

    /// Records that `id` authenticated with `key`; returns the connections that now exceed `limit`,
    /// oldest first, for the caller to evict or refuse.
    func authenticated(_ id: SubscriberID, key: String, limit: Int?) -> [FeedConnection] {
        var ids = byKey[key, default: []].filter { connections[$0] != nil && $0 != id }
        ids.append(id)
        byKey[key] = ids
        guard let limit, ids.count > limit else { return [] }
        return ids.prefix(ids.count - limit).compactMap { connections[$0] }
    }

    var all: [FeedConnection] { Array(connections.values) }
}
