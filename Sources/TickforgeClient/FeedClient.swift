import Logging
import Synchronization
import WSClient

/// A small Polygon-dialect client: connect, authenticate, subscribe, and hand every frame to a
/// callback until it returns false or the server goes away. Used by `tickforge tail` and tests.
public enum FeedClient {
    public struct Options: Sendable {
        public var url: String
        public var key: String
        /// e.g. `T.AAPL,Q.AAPL`; empty subscribes to nothing.
        public var subscribe: String
        public init(url: String, key: String, subscribe: String) {
            self.url = url
            self.key = key
            self.subscribe = subscribe
        }
    }

    public enum Ending: Sendable, Equatable {
        /// The callback asked to stop; the client closed with 1000.
        case stopped
        /// The server closed or dropped the connection.
        case serverClosed(code: String?)
    }

    /// Runs one session. `onFrame` gets each text frame as sent; return false to stop.
    public static func run(_ options: Options, logger: Logger, onFrame: @escaping @Sendable (String) async -> Bool) async throws -> Ending {
        let stoppedByUs = LockedFlag()
        let close = try await WebSocketClient.connect(
            url: options.url, configuration: .init(maxFrameSize: 1 << 20), logger: logger
        ) { inbound, outbound, _ in
            // Pipelined like the Go client: auth, then subscribe, without waiting.
            try await outbound.write(.text(#"{"action":"auth","params":"\#(options.key)"}"#))
            if !options.subscribe.isEmpty {
                try await outbound.write(.text(#"{"action":"subscribe","params":"\#(options.subscribe)"}"#))
            }
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                if await !onFrame(text) {
                    stoppedByUs.set()
                    try await outbound.close(.normalClosure, reason: nil)
                    return
                }
            }
        }
        return stoppedByUs.value ? .stopped : .serverClosed(code: close.map { "\($0.closeCode)" })
    }
}

/// A flag set from one task and read from another.
final class LockedFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var value: Bool { flag.withLock { $0 } }
}
