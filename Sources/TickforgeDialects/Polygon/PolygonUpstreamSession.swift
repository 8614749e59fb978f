import TickforgeFeed
import TickforgeMarket

/// The client side of one Polygon/Massive stocks connection, as a proxy holds it upstream: it
/// authenticates, keeps the upstream subscribed to exactly the union its clients want, and says
/// what the upstream's statuses mean. A pure state machine: the transport feeds it statuses and
/// interest, and sends the text it returns.
public struct PolygonUpstreamSession: UpstreamSession {
    public typealias State = UpstreamSessionState
    public typealias Step = UpstreamStep

    public private(set) var state = State.authenticating
    /// Params subscribed on this connection, as the upstream acknowledged them or as sent.
    public private(set) var subscribed = Set<String>()
    public var subscribedCount: Int { subscribed.count }
    private let key: String

    public init(key: String) { self.key = key }

    /// The first text to send: the key. The real service answers `connected` first, and the
    /// official clients send auth without waiting for it; so does this.
    public var authMessage: String {
        var out = Array(#"{"action":"auth","params":"#.utf8)
        JSONText.appendString(key, to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Handles one status from the upstream.
    ///
    /// Subscriptions are not sent from here: the transport sends every `update(to:)` from one
    /// task, so that a subscribe and an unsubscribe of the same param never cross on the wire.
    public mutating func received(_ status: UpstreamNotice) -> Step {
        switch status.status {
        case "auth_success":
            state = .live
            return .ready
        case "auth_failed", "auth_timeout":
            state = .authFailed
            return .end(reason: "upstream refused the key (\(status.status): \(status.message)): check --upstream-key or MASSIVE_API_KEY")
        case "max_connections", "force_disconnect":
            state = .evicted
            return .end(reason: "upstream evicted this connection (\(status.status): \(status.message)): another connection uses the same key")
        default:
            // `connected`, subscription acks (`success`), errors about a param: none of them go to clients.
            return .none
        }
    }

    /// The messages that bring the upstream from what it has to `interest`: unsubscribes of what
    /// nobody wants, then subscribes of what is new. Nothing before authentication.
    public mutating func update(to interest: Set<LiveTopic>) -> [String] {
        guard state == .live else { return [] }
        let wanted = Self.params(for: interest)
        let gone = subscribed.subtracting(wanted).sorted()
        let new = wanted.subtracting(subscribed).sorted()
        subscribed = wanted
        var out: [String] = []
        if !gone.isEmpty { out.append(Self.message("unsubscribe", gone)) }
        if !new.isEmpty { out.append(Self.message("subscribe", new)) }
        return out
    }

    /// Polygon's channel prefix for a kind; `nil` for kinds its stocks stream does not carry.
    public static func channel(of kind: EventKinds) -> String? {
        switch kind {
        case .trades: "T"
        case .quotes: "Q"
        case .secondBars: "A"
        case .minuteBars: "AM"
        case .lulds: "LULD"
        default: nil
        }
    }

    /// Upstream params for an interest set. A wildcard on a channel stands for every ticker on it,
    /// so per-ticker params of that channel are left out.
    public static func params(for interest: Set<LiveTopic>) -> Set<String> {
        let wildcards = Set(interest.filter(\.isWildcard).compactMap { channel(of: $0.kind) })
        var params = Set<String>()
        for topic in interest {
            guard let channel = channel(of: topic.kind) else { continue }
            if topic.isWildcard { params.insert("\(channel).*") } else if !wildcards.contains(channel) { params.insert("\(channel).\(topic.ticker)") }
        }
        return params
    }

    private static func message(_ action: String, _ params: [String]) -> String {
        var out = Array(#"{"action":"\#(action)","params":"#.utf8)
        JSONText.appendString(params.joined(separator: ","), to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
