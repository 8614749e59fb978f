import TickforgeFeed
import TickforgeMarket

/// The client side of one Alpaca stock-stream connection, as a proxy holds it upstream:
/// authenticates with a key id and secret, keeps the upstream subscribed to exactly the union its
/// clients want, channel by channel, and says what `success` and `error` messages mean.
public struct AlpacaUpstreamSession: UpstreamSession {
    public private(set) var state = UpstreamSessionState.authenticating
    /// Tickers subscribed per channel on this connection.
    public private(set) var subscribed: [String: Set<String>] = [:]
    public var subscribedCount: Int { subscribed.values.reduce(0) { $0 + $1.count } }
    private let key: String
    private let secret: String

    public init(key: String, secret: String) {
        self.key = key
        self.secret = secret
    }

    public var authMessage: String {
        var body = JSONBody()
        body.beginObject()
        body.key("action"); body.string("auth")
        body.key("key"); body.string(key)
        body.key("secret"); body.string(secret)
        body.endObject()
        return String(decoding: body.bytes, as: UTF8.self)
    }

    public mutating func received(_ notice: UpstreamNotice) -> UpstreamStep {
        switch (notice.status, notice.message) {
        case ("success", "authenticated"):
            state = .live
            return .ready
        case ("error", let m) where m.hasPrefix("402") || m.hasPrefix("409") || m.hasPrefix("404"):
            state = .authFailed
            return .end(reason: "upstream refused the key (error \(m)): check --upstream-key and --upstream-secret, or APCA_API_KEY_ID and APCA_API_SECRET_KEY")
        case ("error", let m) where m.hasPrefix("406"):
            state = .evicted
            return .end(reason: "upstream refused another connection (error \(m)): the plan allows one connection per key")
        default:
            // `connected`, subscription acks, errors about a symbol: none of them go to clients.
            return .none
        }
    }

    public mutating func update(to interest: Set<LiveTopic>) -> [String] {
        guard state == .live else { return [] }
        let wanted = Self.channels(for: interest)
        var gone: [String: [String]] = [:], new: [String: [String]] = [:]
        for channel in Set(wanted.keys).union(subscribed.keys) {
            let have = subscribed[channel] ?? [], want = wanted[channel] ?? []
            let dropped = have.subtracting(want), added = want.subtracting(have)
            if !dropped.isEmpty { gone[channel] = dropped.sorted() }
            if !added.isEmpty { new[channel] = added.sorted() }
        }
        subscribed = wanted
        var out: [String] = []
        if !gone.isEmpty { out.append(Self.message("unsubscribe", gone)) }
        if !new.isEmpty { out.append(Self.message("subscribe", new)) }
        return out
    }

    /// Alpaca's channel for a kind; `nil` for kinds its stock stream does not carry.
    public static func channel(of kind: EventKinds) -> String? {
        switch kind {
        case .trades: "trades"
        case .quotes: "quotes"
        case .minuteBars: "bars"
        case .dailyBars: "dailyBars"
        case .statuses: "statuses"
        case .lulds: "lulds"
        default: nil
        }
    }

    /// Tickers per channel for an interest set; a wildcard stands alone in its channel.
    public static func channels(for interest: Set<LiveTopic>) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for topic in interest {
            guard let channel = channel(of: topic.kind) else { continue }
            out[channel, default: []].insert(topic.ticker)
        }
        for (channel, tickers) in out where tickers.contains("*") { out[channel] = ["*"] }
        return out
    }

    /// `{"action":…,"trades":[…],…}`, channels in a fixed order.
    private static func message(_ action: String, _ channels: [String: [String]]) -> String {
        var body = JSONBody()
        body.beginObject()
        body.key("action"); body.string(action)
        for channel in ["trades", "quotes", "bars", "dailyBars", "statuses", "lulds"] {
            guard let tickers = channels[channel] else { continue }
            body.key(channel)
            body.beginArray()
            for t in tickers { body.string(t) }
            body.endArray()
        }
        body.endObject()
        return String(decoding: body.bytes, as: UTF8.self)
    }
}
