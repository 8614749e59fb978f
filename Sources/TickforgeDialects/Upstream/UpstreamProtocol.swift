import TickforgeFeed
import TickforgeMarket

/// A control message from an upstream, in its vendor's words: a Polygon status (`connected`,
/// `auth_success`, `max_connections`, …) or an Alpaca `success`, `error` or `subscription`.
public struct UpstreamNotice: Sendable, Equatable {
    public var status: String
    public var message: String
    public init(status: String, message: String) {
        self.status = status
        self.message = message
    }
}

/// One frame from an upstream, read: its events and its control messages, apart.
public struct UpstreamFrame: Sendable {
    public var events: [MarketEvent] = []
    /// Where each event's own object lies in the frame, when the decoder keeps it (Polygon's does,
    /// so a Polygon upstream's bytes can go to Polygon clients as they came).
    public var eventRanges: [Range<Int>] = []
    public var notices: [UpstreamNotice] = []
    /// Objects that were not understood (an unknown type, a missing field, a refused ticker).
    public var skipped = 0
    public init() {}
}

/// Reads an upstream's frames into events.
public protocol UpstreamDecoding {
    mutating func decode(_ frame: [UInt8]) -> UpstreamFrame
}

/// Where a proxy's upstream connection stands.
public enum UpstreamSessionState: String, Sendable, Equatable {
    /// Connected, the key sent, no answer yet.
    case authenticating
    /// Authenticated: subscriptions flow.
    case live
    /// The upstream refused the key: the key must change.
    case authFailed = "auth_failed"
    /// The upstream evicted this connection or refused another one for the key.
    case evicted
}

/// What the transport does after a control message.
public enum UpstreamStep: Sendable, Equatable {
    /// Nothing: the message is for the proxy alone (`connected`, acks, a param's error).
    case none
    /// Authenticated: send `update(to:)` for the current interest, which is the whole union.
    case ready
    /// The connection is over: close it and report `reason`.
    case end(reason: String)
}

/// The client side of one upstream connection, as a proxy holds it: a pure state machine. The
/// transport sends `authMessage` first, feeds it the notices it reads, and sends what `update`
/// returns, from one task, so that subscribes and unsubscribes reach the upstream in order.
public protocol UpstreamSession: Sendable {
    var state: UpstreamSessionState { get }
    /// Topics (vendor params) subscribed on this connection.
    var subscribedCount: Int { get }
    var authMessage: String { get }
    mutating func received(_ notice: UpstreamNotice) -> UpstreamStep
    /// The messages that bring the upstream from what it has to `interest`. Nothing before auth.
    mutating func update(to interest: Set<LiveTopic>) -> [String]
}
