#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TickforgeClient
import TickforgeMarket
import TickforgeServer
import WSClient

/// A `TickforgeServer` running in-process on a free port.
final class RunningServer: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    static func start(symbols: [String] = ["AAPL", "MSFT"], _ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> RunningServer {
        let universe = try Universe(seed: 9, symbols: symbols, isOpen: false)
        var config = ServerConfiguration(market: MarketConfiguration(seed: 9, universe: universe))
        config.port = 0
        config.hub.barDelayNanoseconds = 0
        configure(&config)
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let services = try TickforgeServer(configuration: config, logger: logger).services { continuation.yield($0) }
        let group = ServiceGroup(services: services, logger: logger)
        let task = Task { try await group.run() }
        var port = 0
        for await p in ports { port = p; break }
        return RunningServer(port: port, group: group, task: task)
    }

    var url: String { "ws://127.0.0.1:\(port)/stocks" }

    /// The market time the feed has released everything up to (`/stats`' `marketTime`).
    func releasedThrough() async throws -> Timestamp? {
        let stats = try await httpGet(port: port, path: "/stats")
        guard let range = stats.range(of: #""marketTime":"([^"]+)""#, options: .regularExpression) else { return nil }
        return RFC3339.parse(String(stats[range].dropFirst(14).dropLast()))
    }

    /// Waits (generously) until the feed has released past `instant`: the witness that lets a
    /// test say "nothing came" and mean it, even on a machine that stalled the server meanwhile.
    func waitForRelease(past instant: Timestamp, seconds: Double = 60) async throws -> Bool {
        let deadline = SystemTime.monotonicNanoseconds() + Int64(seconds * 1e9)
        while SystemTime.monotonicNanoseconds() < deadline {
            if let t = try await releasedThrough(), t > instant { return true }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        return false
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// A value shared between tasks.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// A scripted client that records every text frame it receives.
final class RecordingClient: Sendable {
    private let frames = Shared<[String]>([])
    private let closed = Shared<Bool>(false)
    /// The server's close frame, if it sent one: its code and reason.
    private let closeFrame = Shared<(code: String, reason: String?)?>(nil)
    private let outbox: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>

    init(url: String) {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        outbox = continuation
        let frames = self.frames, closed = self.closed, closeFrame = self.closeFrame
        var logger = Logger(label: "test.client")
        logger.logLevel = .critical
        task = Task {
            let close = try? await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20), logger: logger) { inbound, outbound, _ in
                let writer = Task {
                    for await text in stream { try? await outbound.write(.text(text)) }
                }
                defer { writer.cancel() }
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let t) = message { frames.withLock { $0.append(t) } }
                }
            }
            if let frame = close ?? nil { closeFrame.withLock { $0 = ("\(frame.closeCode)", frame.reason) } }
            closed.withLock { $0 = true }
        }
    }

    /// The close frame the server sent, once closed; `nil` for a reset (or while open).
    var serverClose: (code: String, reason: String?)? { closeFrame.withLock { $0 } }

    func send(_ text: String) { outbox.yield(text) }
    var received: [String] { frames.withLock { $0 } }
    var isClosed: Bool { closed.withLock { $0 } }
    var dataFrames: [String] { received.filter { !$0.hasPrefix(#"[{"ev":"status""#) } }

    func stop() {
        outbox.finish()
        task.cancel()
    }

    /// Waits (generously) until `predicate` holds; returns whether it did.
    func waitFor(_ seconds: Double = 60, _ predicate: (RecordingClient) -> Bool) async -> Bool {
        let deadline = SystemTime.monotonicNanoseconds() + Int64(seconds * 1e9)
        while SystemTime.monotonicNanoseconds() < deadline {
            if predicate(self) { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return predicate(self)
    }
}

/// A client that completes the WebSocket handshake, subscribes, and then never reads a byte.
final class StalledClient {
    let fd: Int32

    init?(port: Int, subscribe: String) {
        // A small receive buffer makes the server feel the stall sooner.
        guard let fd = LoopbackSocket.connect(port: port, receiveBuffer: 4096) else { return nil }
        self.fd = fd
        let request = LoopbackSocket.upgradeRequest(path: "/stocks")
        send(Array(request.utf8))
        send(Self.maskedTextFrame(#"{"action":"auth","params":"slow"}"#))
        send(Self.maskedTextFrame(#"{"action":"subscribe","params":"\#(subscribe)"}"#))
    }

    private func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) } }

    /// A client frame must be masked; a zero mask leaves the payload as is.
    static func maskedTextFrame(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        precondition(payload.count < 126)
        return [0x81, 0x80 | UInt8(payload.count), 0, 0, 0, 0] + payload
    }

    /// Waits until the server resets or closes the connection, without reading (peeking only, so the
    /// client stays stalled while it waits).
    func waitUntilDropped(seconds: Double) async -> Bool {
        let deadline = SystemTime.monotonicNanoseconds() + Int64(seconds * 1e9)
        while SystemTime.monotonicNanoseconds() < deadline {
            // The first byte of Linux's `struct tcp_info` is the TCP state; 1 is ESTABLISHED. A reset
            // moves it to CLOSE, a FIN to CLOSE_WAIT, while unread data stays unread.
            var info = [UInt8](repeating: 0, count: 256)
            var length = socklen_t(info.count)
            let ok = info.withUnsafeMutableBytes { getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, $0.baseAddress, &length) }
            if ok == 0, info[0] != 1 { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }

    deinit { close(fd) }
}

/// A plain TCP socket to the in-process server, for clients that must misbehave below the
/// WebSocket library (stall, or stop at the upgrade's answer).
enum LoopbackSocket {
    /// A socket connected to 127.0.0.1:`port`, or `nil`; reads time out after 30 s.
    static func connect(port: Int, receiveBuffer: Int32? = nil) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { close(fd); return nil }
        return fd
    }

    /// A WebSocket upgrade request for `path`.
    static func upgradeRequest(path: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// Sends an upgrade request for `path` and returns the answer's head (status line and
    /// headers), completing nothing: what a 404 or a `reject` fault answers.
    static func upgradeResponseHead(port: Int, path: String) async throws -> String {
        try await offPool {
            guard let fd = connect(port: port) else { throw UpgradeProbeError.noConnection }
            defer { close(fd) }
            _ = Array(upgradeRequest(path: path).utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            var head: [UInt8] = []
            var byte: UInt8 = 0
            while head.count < 4 || Array(head.suffix(4)) != [13, 10, 13, 10] {
                guard recv(fd, &byte, 1, 0) == 1 else { break }
                head.append(byte)
            }
            return String(decoding: head, as: UTF8.self)
        }
    }
}

enum UpgradeProbeError: Error { case noConnection }

/// Runs blocking work (a plain-socket HTTP call) on a thread of its own. Blocking inside a test's
/// task would hold one of the few cooperative threads the in-process server's actors also need:
/// two such tests at once can starve the server until their calls time out.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.start()
    }
}

/// `PlainHTTP.get`, off the cooperative pool.
func httpGet(port: Int, path: String) async throws -> String {
    try await offPool { try PlainHTTP.get(port: port, path: path) }
}
