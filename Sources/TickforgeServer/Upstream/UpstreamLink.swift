import Logging
import ServiceLifecycle
import Synchronization
import TickforgeDialects
import TickforgeFeed
import TickforgeMarket
import WSClient

/// Where a proxy's live symbols come from: one connection to a Polygon/Massive stocks stream or
/// an Alpaca stock stream.
public struct UpstreamSettings: Sendable {
    public enum Dialect: Sendable, Equatable {
        case polygon
        /// Alpaca authenticates with a key id and a secret.
        case alpaca(secret: String)
    }

    /// e.g. `wss://socket.massive.com/stocks`, `wss://stream.data.alpaca.markets/v2/iex`, or
    /// `ws://127.0.0.1:8765/stocks` for another tickforge.
    public var url: String
    public var key: String
    public var dialect: Dialect
    /// The upstream's REST API, which answers a proxy's REST requests for upstream tickers:
    /// `https://api.massive.com` for Massive's stream, `https://data.alpaca.markets` for Alpaca's,
    /// `http://host:port` for another tickforge (`restBase(forStream:)`).
    public var restURL: String

    public init(url: String, key: String, dialect: Dialect = .polygon, restURL: String? = nil) {
        self.url = url
        self.key = key
        self.dialect = dialect
        var rest = restURL ?? Self.restBase(forStream: url)
        while rest.hasSuffix("/") { rest.removeLast() }
        self.restURL = rest
    }

    /// The REST API beside a stream: its scheme made HTTP's, `socket.`/`delayed.` hosts (Massive,
    /// Polygon) made `api.`, `stream.data.` (Alpaca) made `data.`, and the path dropped.
    public static func restBase(forStream url: String) -> String {
        let scheme = url.hasPrefix("wss://") ? "https://" : "http://"
        let rest = url.drop { $0 != "/" }.dropFirst(2)
        var host = String(rest.prefix { $0 != "/" })
        for (stream, api) in [("socket.", "api."), ("delayed.", "api."), ("stream.data.", "data.")] where host.hasPrefix(stream) {
            host = api + host.dropFirst(stream.count)
            break
        }
        return scheme + host
    }

    /// The dialect a URL's path names: Alpaca's streams live under `/v2/` (and `/v1beta…/`).
    public static func isAlpacaURL(_ url: String) -> Bool {
        let path = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(3).first.map { "/" + $0 } ?? ""
        return path.hasPrefix("/v2/") || path.hasPrefix("/v1beta")
    }

    func makeSession() -> any UpstreamSession {
        switch dialect {
        case .polygon: PolygonUpstreamSession(key: key)
        case .alpaca(let secret): AlpacaUpstreamSession(key: key, secret: secret)
        }
    }

    func makeDecoder(_ symbols: LiveSymbolTable) -> any UpstreamDecoding {
        switch dialect {
        case .polygon: PolygonWireDecoder { symbols.id(for: $0) }
        case .alpaca: AlpacaWireDecoder { symbols.id(for: $0) }
        }
    }
}

/// Keeps one connection to the upstream for as long as the server runs: it authenticates with
/// the upstream key, subscribes the union of the clients' live topics, publishes what arrives to
/// the hub (or an embedded reader), and on any loss reconnects with exponential backoff and jitter, then subscribes the
/// union again. Clients stay connected throughout and miss only the upstream's gap.
struct UpstreamLink: Service {
    let settings: UpstreamSettings
    let interest: LiveInterest
    let symbols: LiveSymbolTable
    /// Where decoded events go: the hub (`HubPublishing`), or an embedded source's reader.
    let publish: HubPublishing.Publish
    let status: UpstreamStatus
    let logger: Logger

    /// How long the upstream may take to answer the key.
    static let authDeadline = Duration.seconds(15)
    /// A connection that stayed up this long starts the backoff again from its first step.
    static let stableAfter = Duration.seconds(10)

    func run() async throws {
        // Shutdown cancels the waits in here; that is how it ends, not an error.
        do { try await cancelWhenGracefulShutdown { try await keepConnected() } } catch is CancellationError {}
    }

    private func keepConnected() async throws {
        var backoff = Backoff()
        let clock = ContinuousClock()
        while !Task.isCancelled {
            status.update { $0.state = "connecting"; $0.connections += 1; $0.subscribedParams = 0 }
            let opened = clock.now
            let ending = await connectOnce()
            if clock.now - opened >= Self.stableAfter { backoff.reset() }
            guard !Task.isCancelled else { return }
            let wait = backoff.next()
            status.update { s in
                s.lastError = ending.reason
                s.state = ending.state ?? "backing_off"
                s.subscribedParams = 0
            }
            let metadata: Logger.Metadata = ["upstream": "\(settings.url)", "reason": "\(ending.reason)", "retry-in-ms": "\(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)"]
            if ending.state != nil {
                logger.error("upstream refused this proxy; synthetic symbols keep flowing, and the proxy tries again", metadata: metadata)
            } else {
                logger.warning("upstream connection ended; reconnecting", metadata: metadata)
            }
            try await Task.sleep(for: wait)
        }
    }

    /// Why a connection ended, and the state to show for it when it is the upstream's refusal.
    fileprivate struct Ending {
        var reason: String
        var state: String?
    }

    private func connectOnce() async -> Ending {
        let shared = ConnectionState(session: settings.makeSession())
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        do {
            let close = try await WebSocketClient.connect(
                url: settings.url, configuration: .init(maxFrameSize: 1 << 24), logger: logger
            ) { inbound, outbound, _ in
                status.update { $0.state = "authenticating" }
                try await outbound.write(.text(shared.session.withLock { $0.authMessage }))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // The only writer of subscriptions, so that they reach the upstream in the order computed.
                    group.addTask {
                        for await _ in wakes {
                            let messages = shared.session.withLock { $0.update(to: interest.current) }
                            status.update { $0.subscribedParams = shared.session.withLock { $0.subscribedCount } }
                            for m in messages { try await outbound.write(.text(m)) }
                        }
                    }
                    group.addTask {
                        try await Task.sleep(for: Self.authDeadline)
                        if shared.session.withLock({ $0.state == .authenticating }) {
                            shared.ended.withLock { $0 = Ending(reason: "upstream did not answer the key within \(Self.authDeadline)") }
                            try await outbound.close(.goingAway, reason: nil)
                        }
                    }
                    var decoder = settings.makeDecoder(symbols)
                    reading: for try await message in inbound.messages(maxSize: 1 << 24) {
                        guard case .text(let text) = message else { continue }
                        let bytes = Array(text.utf8)
                        let decoded = decoder.decode(bytes)
                        status.update { $0.framesReceived += 1; $0.eventsReceived += decoded.events.count }
                        if !decoded.events.isEmpty {
                            // A Polygon upstream's own bytes go to Polygon clients as they came.
                            let verbatim = settings.dialect == .polygon && decoded.eventRanges.count == decoded.events.count
                                ? FeedHub.VerbatimEvents(dialect: HubDialects.polygon, frame: bytes, ranges: decoded.eventRanges) : nil
                            await publish(decoded.events, verbatim)
                        }
                        for s in decoded.notices {
                            switch shared.session.withLock({ $0.received(s) }) {
                            case .none:
                                continue
                            case .ready:
                                status.update { $0.state = "live"; $0.lastError = nil }
                                logger.info("upstream authenticated", metadata: ["upstream": "\(settings.url)"])
                                interest.setWake(wake)
                            case .end(let reason):
                                let state = shared.session.withLock { $0.state }
                                shared.ended.withLock { $0 = Ending(reason: reason, state: state.rawValue) }
                                try await outbound.close(.normalClosure, reason: nil)
                                break reading
                            }
                        }
                    }
                    group.cancelAll()
                }
            }
            interest.setWake(nil)
            if let e = shared.ended.withLock({ $0 }) { return e }
            return Ending(reason: "upstream closed the connection" + (close.map { " (code \($0.closeCode))" } ?? ""))
        } catch {
            interest.setWake(nil)
            if let e = shared.ended.withLock({ $0 }) { return e }
            return Ending(reason: "upstream connection failed: \(error)")
        }
    }
}

/// One connection's session and ending, shared by its reader and writer tasks.
private final class ConnectionState: Sendable {
    let session: Mutex<any UpstreamSession>
    let ended = Mutex<UpstreamLink.Ending?>(nil)
    init(session: any UpstreamSession) { self.session = Mutex(session) }
}
