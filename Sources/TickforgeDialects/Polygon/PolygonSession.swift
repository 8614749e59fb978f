import Foundation

/// One Polygon/Massive `/stocks` connection as a state machine: frames in, actions out.
///
/// It knows the protocol (notes §2, §8.2–8.3) and nothing about sockets, so every rule can be
/// specified in unit tests. The transport feeds it client text frames in order (pipelined auth and
/// subscribes from the Go client included) and carries out the actions it returns.
public struct PolygonSession: Sendable {
    public enum State: Sendable, Equatable {
        case awaitingAuth
        /// The key is good; the server is deciding (connection limits, an `auth-fail` fault).
        case authorizing(key: String)
        case authenticated(key: String)
        case closed
    }

    public struct Configuration: Sendable {
        /// Accepted API keys; `nil` accepts any key.
        public var apiKeys: Set<String>?
        public init(apiKeys: Set<String>? = nil) { self.apiKeys = apiKeys }
    }

    public enum Action: Sendable, Equatable {
        /// Send this control frame (a JSON array of status objects).
        case send([UInt8])
        /// The key is good: the server decides, and answers `authenticationAccepted()` (then
        /// applies the key's connection limit, evicting the oldest) or `authenticationRefused()`.
        case authenticate(key: String)
        /// An authentication was refused, and why (for the journal; the client reads the status).
        case refused(String)
        case subscribe([PolygonTopic])
        case unsubscribe([PolygonTopic])
        /// Drop the TCP connection without a close frame, as the real cluster does.
        case abort
    }

    public private(set) var state: State = .awaitingAuth
    public let configuration: Configuration

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Sent unprompted right after the upgrade; the Python client waits for it before it speaks.
    public static let connectedFrame = PolygonEncoder.statusFrame("connected", "Connected Successfully")
    static let authSuccessFrame = PolygonEncoder.statusFrame("auth_success", "authenticated")
    static let authFailedFrame = PolygonEncoder.statusFrame("auth_failed", "authentication failed")
    static let authRequiredFrame = PolygonEncoder.statusFrame("auth_required", "authentication required: send {\"action\":\"auth\",\"params\":\"YOUR_API_KEY\"} first")
    public static let authTimeoutFrame = PolygonEncoder.statusFrame("auth_timeout", "authentication timed out")
    /// The verbatim eviction text, trailing space included.
    public static let maxConnectionsFrame = PolygonEncoder.statusFrame("max_connections", "Maximum number of websocket connections exceeded. ")
    public static let slowConsumerFrame = PolygonEncoder.statusFrame("slow_consumer", "slow consumer: the connection fell too far behind the feed and was dropped")

    /// Handles one client text frame.
    public mutating func receive(text: [UInt8]) -> [Action] {
        guard state != .closed else { return [] }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text))) as? [String: Any] else {
            return [.send(PolygonEncoder.statusFrame("error", "invalid message: expected a JSON object such as {\"action\":\"subscribe\",\"params\":\"T.AAPL\"}"))]
        }
        guard let action = object["action"] as? String else {
            return [.send(PolygonEncoder.statusFrame("error", "invalid message: missing \"action\""))]
        }
        let params = object["params"] as? String
        switch action {
        case "auth":
            guard let key = params else { return fail("no key in params") }
            if let keys = configuration.apiKeys, !keys.contains(key) { return fail("key not accepted") }
            state = .authorizing(key: key)
            return [.authenticate(key: key)]
        case "subscribe", "unsubscribe":
            guard case .authenticated = state else { return [.send(Self.authRequiredFrame)] }
            guard let params else {
                return [.send(PolygonEncoder.statusFrame("error", "\(action) needs \"params\", e.g. \"T.AAPL,Q.*\""))]
            }
            let topics = PolygonTopic.parseList(params)
            guard !topics.isEmpty else { return [] }
            let verb = action == "subscribe" ? "subscribed to: " : "unsubscribed to: "
            let acks = PolygonEncoder.statusFrame(topics.map { ("success", verb + $0.description) })
            // The acknowledgement goes out before any data of a new subscription, and after the
            // last data of a removed one.
            return action == "subscribe" ? [.send(acks), .subscribe(topics)] : [.unsubscribe(topics), .send(acks)]
        default:
            return [.send(PolygonEncoder.statusFrame("error", "unknown action: \(action)"))]
        }
    }

    /// The server accepted the key: `auth_success`, and subscriptions may follow.
    public mutating func authenticationAccepted() -> [Action] {
        guard case .authorizing(let key) = state else { return [] }
        state = .authenticated(key: key)
        return [.send(Self.authSuccessFrame)]
    }

    /// The server refused a good key (an `auth-fail` fault): the same `auth_failed` and abort as a
    /// wrong key gets.
    public mutating func authenticationRefused(_ why: String) -> [Action] {
        guard case .authorizing = state else { return [] }
        return fail(why)
    }

    private mutating func fail(_ why: String) -> [Action] {
        state = .closed
        return [.send(Self.authFailedFrame), .refused(why), .abort]
    }

    /// The auth timeout fired; only acts if the client never authenticated.
    public mutating func authTimedOut() -> [Action] {
        switch state {
        case .awaitingAuth, .authorizing: break
        default: return []
        }
        state = .closed
        return [.send(Self.authTimeoutFrame), .abort]
    }

    /// Another connection took this key's place.
    public mutating func evicted() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [.send(Self.maxConnectionsFrame), .abort]
    }

    /// The hub found this connection too slow.
    public mutating func slowConsumer() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [.send(Self.slowConsumerFrame), .abort]
    }
}
