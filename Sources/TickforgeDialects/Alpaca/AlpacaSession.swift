/// One Alpaca v2 stock-stream connection as a state machine: decoded client messages in,
/// actions out (notes §2, §8.2). It knows nothing about sockets, so every rule is a unit test.
///
/// Authentication is two-phase because the per-key connection limit is the server's knowledge:
/// good credentials yield `.authenticate(key)`, and the server answers with
/// `authenticationAccepted()` or `connectionLimitExceeded()` (406, after which the socket stays
/// open and a later auth may succeed, as the Go SDK expects).
public struct AlpacaSession: Sendable {
    public enum Feed: String, Sendable, CaseIterable {
        case iex, sip
        case delayedSIP = "delayed_sip"
        /// The FAKEPACA test stream.
        case test
    }

    public enum State: Sendable, Equatable {
        case awaitingAuth
        /// Credentials were good; the server is checking the key's connection limit.
        case authorizing(key: String)
        case authenticated(key: String)
        case closed
    }

    public struct Configuration: Sendable {
        /// Accepted key ids; `nil` accepts any key.
        public var apiKeys: Set<String>?
        /// Most (channel, symbol) subscriptions per connection; `nil` is unlimited.
        public var symbolLimit: Int?
        /// Feeds the keys are entitled to; others answer 409 at auth. `nil` is every feed.
        public var entitledFeeds: Set<Feed>?
        public init(apiKeys: Set<String>? = nil, symbolLimit: Int? = nil, entitledFeeds: Set<Feed>? = nil) {
            self.apiKeys = apiKeys
            self.symbolLimit = symbolLimit
            self.entitledFeeds = entitledFeeds
        }
    }

    /// A channel a client can subscribe to, in the ack's key order.
    public enum Channel: String, Sendable, CaseIterable {
        case trades, quotes, bars, updatedBars, dailyBars, statuses, lulds
    }

    public struct Topic: Sendable, Hashable, CustomStringConvertible {
        public var channel: Channel
        /// A ticker or `*`.
        public var symbol: String
        public var description: String { "\(channel.rawValue):\(symbol)" }
    }

    public enum Action: Sendable, Equatable {
        /// Send this control frame.
        case send([UInt8])
        /// Credentials are good: check the key's connection limit and answer the session.
        case authenticate(key: String)
        case subscribe([Topic])
        case unsubscribe([Topic])
        /// An authentication was refused, why, and the error code the client was sent (for the
        /// journal; the client reads the error).
        case refused(String, code: Int)
        /// Close the connection after what is queued.
        case close
    }

    public let feed: Feed
    public let codec: AlpacaCodec
    public let configuration: Configuration
    public private(set) var state: State = .awaitingAuth
    /// Subscribed symbols per channel, in the order they were first asked for.
    public private(set) var subscriptions: [Channel: [String]] = [:]

    public init(feed: Feed, codec: AlpacaCodec, configuration: Configuration = Configuration()) {
        self.feed = feed
        self.codec = codec
        self.configuration = configuration
    }

    /// Sent unprompted right after the upgrade.
    public var connectedFrame: [UInt8] { AlpacaControl.success("connected", codec: codec) }

    /// The channels this feed serves and acknowledges: the test stream's ack has three keys (notes §2.6).
    public var channels: [Channel] { feed == .test ? [.trades, .quotes, .bars] : Channel.allCases }

    // MARK: client messages

    /// Handles one client frame: msgpack if it came in a binary frame, JSON if text.
    public mutating func receive(frame: [UInt8], binary: Bool) -> [Action] {
        guard state != .closed else { return [] }
        let message = binary ? (try? MsgPackReader.decode(frame)) : JSONWireDecoder.decode(frame)
        guard let message else { return [error(.invalidSyntax)] }
        return receive(message)
    }

    public mutating func receive(_ message: WireValue) -> [Action] {
        guard state != .closed else { return [] }
        guard case .map = message, let action = message["action"]?.stringValue else { return [error(.invalidSyntax)] }
        switch action {
        case "auth":
            return auth(key: message["key"]?.stringValue, secret: message["secret"]?.stringValue)
        case "subscribe", "unsubscribe":
            guard case .authenticated = state else { return [error(.notAuthenticated)] }
            guard let request = parseChannels(message) else { return [error(.invalidSyntax)] }
            if action == "subscribe", invalidForFeed(message) { return [error(.invalidSubscribeAction)] }
            return action == "subscribe" ? subscribe(request) : unsubscribe(request)
        default:
            return [error(.invalidSyntax)]
        }
    }

    /// Credentials from the upgrade request's `APCA-API-KEY-ID` / `APCA-API-SECRET-KEY` headers.
    public mutating func headerCredentials(key: String, secret: String) -> [Action] {
        auth(key: key, secret: secret)
    }

    private mutating func auth(key: String?, secret: String?) -> [Action] {
        switch state {
        case .authenticated, .authorizing: return [error(.alreadyAuthenticated)]
        case .closed: return []
        case .awaitingAuth: break
        }
        guard let key, let secret, !key.isEmpty, !secret.isEmpty else { return refuse(.authFailed, "no key or secret") }
        if let keys = configuration.apiKeys, !keys.contains(key) { return refuse(.authFailed, "key not accepted") }
        if let feeds = configuration.entitledFeeds, !feeds.contains(feed) { return refuse(.insufficientSubscription, "feed not entitled") }
        state = .authorizing(key: key)
        return [.authenticate(key: key)]
    }

    /// The server found the key within its connection limit.
    public mutating func authenticationAccepted() -> [Action] {
        guard case .authorizing(let key) = state else { return [] }
        state = .authenticated(key: key)
        return [.send(AlpacaControl.success("authenticated", codec: codec))]
    }

    /// The key already has its allowed connections: 406, and the socket stays open for another try.
    public mutating func connectionLimitExceeded() -> [Action] {
        guard case .authorizing = state else { return [] }
        state = .awaitingAuth
        return refuse(.connectionLimitExceeded, "connection limit exceeded")
    }

    /// The server refused good credentials (an `auth-fail` fault): 402 as for a wrong key, and
    /// the socket stays open for another try.
    public mutating func authenticationRefused(_ why: String) -> [Action] {
        guard case .authorizing = state else { return [] }
        state = .awaitingAuth
        return refuse(.authFailed, why)
    }

    private func refuse(_ failure: AlpacaControl.Failure, _ why: String) -> [Action] {
        [error(failure), .refused(why, code: failure.rawValue)]
    }

    // MARK: subscriptions

    private typealias ChannelRequest = [(Channel, [String])]

    /// The channel lists of a subscribe or unsubscribe message; `nil` if malformed (a list that is
    /// not a list of tickers). `nil` and `[]` mean nothing, and keys this feed does not serve are
    /// left out (`invalidForFeed` reports those that deserve a 410).
    private func parseChannels(_ message: WireValue) -> ChannelRequest? {
        guard case .map(let entries) = message else { return nil }
        var request: ChannelRequest = []
        for e in entries {
            // Unknown keys are ignored, whatever their value.
            guard let key = e.key.stringValue, Channel(rawValue: key) != nil || Self.otherStreamChannels.contains(key) else { continue }
            var symbols: [String] = []
            switch e.value {
            case .null: continue
            case .array(let items):
                for item in items {
                    guard let s = item.stringValue, Self.isValidSymbol(s) else { return nil }
                    symbols.append(s)
                }
            default:
                return nil
            }
            if !symbols.isEmpty, let channel = Channel(rawValue: key), channels.contains(channel) { request.append((channel, symbols)) }
        }
        return request
    }

    /// Channels of Alpaca's other streams (crypto, options, news): asking for them here is a 410.
    static let otherStreamChannels: Set<String> = ["orderbooks", "news", "pricing"]

    /// A non-empty list for a channel this stream does not serve (another stream's, or beyond the
    /// test stream's three).
    private func invalidForFeed(_ message: WireValue) -> Bool {
        guard case .map(let entries) = message else { return false }
        return entries.contains { e in
            guard let key = e.key.stringValue, case .array(let items) = e.value, !items.isEmpty else { return false }
            if Self.otherStreamChannels.contains(key) { return true }
            if let channel = Channel(rawValue: key) { return !channels.contains(channel) }
            return false
        }
    }

    /// Ticker syntax: letters, digits and `.`/`/`/`-` (BRK.B), up to 21 characters, or the wildcard.
    public static func isValidSymbol(_ s: String) -> Bool {
        if s == "*" { return true }
        guard !s.isEmpty, s.utf8.count <= 21 else { return false }
        return s.utf8.allSatisfy { b in
            (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 46 || b == 47 || b == 45
        }
    }

    private mutating func subscribe(_ request: ChannelRequest) -> [Action] {
        var next = subscriptions
        var added: [Topic] = []
        for (channel, symbols) in request {
            for s in symbols where !(next[channel, default: []].contains(s)) {
                next[channel, default: []].append(s)
                added.append(Topic(channel: channel, symbol: s))
            }
        }
        if let limit = configuration.symbolLimit, next.values.reduce(0, { $0 + $1.count }) > limit {
            return [error(.symbolLimitExceeded)]
        }
        subscriptions = next
        // The ack goes out before any data of the new subscription.
        return [.send(ackFrame), .subscribe(added)]
    }

    private mutating func unsubscribe(_ request: ChannelRequest) -> [Action] {
        var removed: [Topic] = []
        for (channel, symbols) in request {
            for s in symbols where subscriptions[channel]?.contains(s) == true {
                subscriptions[channel]?.removeAll { $0 == s }
                removed.append(Topic(channel: channel, symbol: s))
            }
        }
        return [.unsubscribe(removed), .send(ackFrame)]
    }

    /// The full subscription state; corrections and cancel errors follow trades (notes §2.6).
    public var ackFrame: [UInt8] {
        var lists = channels.map { (channel: $0.rawValue, symbols: subscriptions[$0] ?? []) }
        if feed != .test {
            lists.append((channel: "corrections", symbols: subscriptions[.trades] ?? []))
            lists.append((channel: "cancelErrors", symbols: subscriptions[.trades] ?? []))
        }
        return AlpacaControl.subscription(lists, codec: codec)
    }

    // MARK: server events

    /// No successful auth in time: 404, then close.
    public mutating func authTimedOut() -> [Action] {
        switch state {
        case .awaitingAuth, .authorizing:
            state = .closed
            return [error(.authTimeout), .close]
        default:
            return []
        }
    }

    /// The hub found this connection too slow: 407, then close.
    public mutating func slowConsumer() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [error(.slowClient), .close]
    }

    private func error(_ failure: AlpacaControl.Failure) -> Action { .send(AlpacaControl.error(failure, codec: codec)) }
}
