import TickforgeMarket

/// Who a connection is and what it asked for, as the control API lists it
/// (`GET /control/connections`): kept up to date by its endpoint as the session authenticates and
/// subscribes, in the dialect's own words.
struct ConnectionProfile: Sendable {
    /// `c` and the subscriber's number: `c3`.
    let id: String
    /// `polygon` or `alpaca`.
    let dialect: String
    /// The path it upgraded on: `/stocks`, `/v2/iex`…
    let path: String
    let remote: String
    /// Wall-clock time of the upgrade.
    let connectedAt: Timestamp
    /// The key it authenticated with (or last tried).
    var key: String?
    var authenticated = false
    /// Symbols by channel, each in the order first asked for: Polygon's `T`, `Q`, `A`, `AM`,
    /// `LULD`; Alpaca's `trades`, `quotes`, `bars`…
    var subscriptions: [(channel: String, symbols: [String])] = []
    /// The lasting faults acting on it now (mutes), by id.
    var faults: [String] = []

    init(id: String, dialect: String, path: String, remote: String, connectedAt: Timestamp = SystemTime.now()) {
        self.id = id
        self.dialect = dialect
        self.path = path
        self.remote = remote
        self.connectedAt = connectedAt
    }

    mutating func subscribe(_ channel: String, _ symbol: String) {
        if let i = subscriptions.firstIndex(where: { $0.channel == channel }) {
            if !subscriptions[i].symbols.contains(symbol) { subscriptions[i].symbols.append(symbol) }
        } else {
            subscriptions.append((channel, [symbol]))
        }
    }

    mutating func unsubscribe(_ channel: String, _ symbol: String) {
        guard let i = subscriptions.firstIndex(where: { $0.channel == channel }) else { return }
        subscriptions[i].symbols.removeAll { $0 == symbol }
        if subscriptions[i].symbols.isEmpty { subscriptions.remove(at: i) }
    }
}
