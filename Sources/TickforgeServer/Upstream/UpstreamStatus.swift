import Synchronization
import TickforgeDialects

/// What the proxy's upstream connection is doing, for `/stats` and the log: read by HTTP handlers,
/// written by the upstream's task.
final class UpstreamStatus: Sendable {
    struct Snapshot: Sendable {
        var url: String
        /// connecting, authenticating, live, backing_off, auth_failed, evicted
        var state = "connecting"
        /// Connections opened so far (1 + reconnects).
        var connections = 0
        var framesReceived = 0
        var eventsReceived = 0
        /// Params subscribed upstream on the current connection.
        var subscribedParams = 0
        /// Why the last connection ended, in words a user can act on.
        var lastError: String?
    }

    private let state: Mutex<Snapshot>

    init(url: String) { state = Mutex(Snapshot(url: url)) }

    var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ change: (inout Snapshot) -> Void) { state.withLock { change(&$0) } }

    /// The `/stats` member, as JSON.
    var json: String {
        let s = snapshot
        var body = JSONBody()
        body.beginObject()
        body.key("url"); body.string(s.url)
        body.key("state"); body.string(s.state)
        body.key("connections"); body.int(s.connections)
        body.key("framesReceived"); body.int(s.framesReceived)
        body.key("eventsReceived"); body.int(s.eventsReceived)
        body.key("subscribedParams"); body.int(s.subscribedParams)
        body.key("lastError")
        if let e = s.lastError { body.string(e) } else { body.null() }
        body.endObject()
        return String(decoding: body.bytes, as: UTF8.self)
    }
}
