import Foundation
import Testing
import TickforgeClient
import TickforgeMarket

/// What the suites that drive the control API over sockets share: calls, finding a connection by
/// its key, and clients of each dialect that authenticate and subscribe.
protocol ControlSocketSuite {}

extension ControlSocketSuite {
    func call(_ server: RunningServer, _ method: String, _ path: String, _ body: String? = nil) async throws -> (status: Int, json: [String: Any]) {
        let port = server.port
        let r = try await offPool {
            try PlainHTTP.request(.init(host: "127.0.0.1", port: port), method: method, path: path,
                                  headers: body == nil ? [] : [("Content-Type", "application/json")], body: Array((body ?? "").utf8))
        }
        return (r.status, (try? JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [String: Any] ?? [:])
    }

    /// The id of the one open connection whose key is `key`, once it has authenticated.
    func connectionID(_ server: RunningServer, key: String) async throws -> String? {
        for _ in 0..<600 {
            let list = try await call(server, "GET", "/control/connections").json["connections"] as? [[String: Any]] ?? []
            if let c = list.first(where: { $0["key"] as? String == key && $0["authenticated"] as? Bool == true }) { return c["id"] as? String }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return nil
    }

    func polygon(_ server: RunningServer, key: String) -> RecordingClient {
        let c = RecordingClient(url: server.url)
        c.send(#"{"action":"auth","params":"\#(key)"}"#)
        c.send(#"{"action":"subscribe","params":"Q.AAPL,T.AAPL"}"#)
        return c
    }

    func alpaca(_ server: RunningServer, key: String) -> RecordingClient {
        let c = RecordingClient(url: "ws://127.0.0.1:\(server.port)/v2/sip")
        c.send(#"{"action":"auth","key":"\#(key)","secret":"s"}"#)
        c.send(#"{"action":"subscribe","quotes":["AAPL"]}"#)
        return c
    }

    /// The journal's entries for a query such as `connection=c3&kind=subscribed`.
    func journal(_ server: RunningServer, _ query: String = "") async throws -> [[String: Any]] {
        let r = try await call(server, "GET", "/control/journal" + (query.isEmpty ? "" : "?" + query))
        return r.json["entries"] as? [[String: Any]] ?? []
    }
}
