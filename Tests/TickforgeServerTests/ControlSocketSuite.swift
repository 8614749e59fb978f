#if canImport(Glibc)
import Glibc
#endif
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

/// Sends a WebSocket upgrade request for `path` on a plain socket and returns the response's
/// head (status line and headers), without completing anything: what a `reject` fault answers.
func upgradeResponseHead(port: Int, path: String) async throws -> String {
    try await offPool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw UpgradeProbeError.noConnection }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { throw UpgradeProbeError.noConnection }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.ends(with: [13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { break }
            head.append(byte)
        }
        return String(decoding: head, as: UTF8.self)
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

enum UpgradeProbeError: Error { case noConnection }
