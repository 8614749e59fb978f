import TickforgeMarket

/// A connection as `GET /control/connections` lists it.
enum ConnectionJSON {
    static func object(_ c: any ManagedConnection) -> JSONValue {
        let p = c.profile
        let traffic = c.subscriber.queue.traffic
        var subscriptions: [String: JSONValue] = [:]
        for (channel, symbols) in p.subscriptions { subscriptions[channel] = .array(symbols.map(JSONValue.string)) }
        return .object([
            "id": .string(p.id),
            "dialect": .string(p.dialect),
            "path": .string(p.path),
            "key": p.key.map(JSONValue.string) ?? .null,
            "remote": .string(p.remote),
            "connectedAt": .string(RFC3339.format(p.connectedAt)),
            "authenticated": .bool(p.authenticated),
            "subscriptions": .object(subscriptions),
            "framesSent": .number(Double(traffic.sentFrames)),
            "bytesSent": .number(Double(traffic.sentBytes)),
            "backlogFrames": .number(Double(traffic.backlogFrames)),
            "backlogBytes": .number(Double(traffic.backlogBytes)),
            "faults": .array(p.faults.map(JSONValue.string)),
        ])
    }
}
