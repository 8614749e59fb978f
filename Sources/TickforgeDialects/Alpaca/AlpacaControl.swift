/// Alpaca's control messages, each alone in its array as the notes require (§3, §8.4): success,
/// error and the subscription state, in the connection's codec.
public enum AlpacaControl {
    /// Errors with Alpaca's exact codes and texts (notes §2.4).
    public enum Failure: Int, Sendable, Equatable, CaseIterable {
        case invalidSyntax = 400
        case notAuthenticated = 401
        case authFailed = 402
        case alreadyAuthenticated = 403
        case authTimeout = 404
        case symbolLimitExceeded = 405
        case connectionLimitExceeded = 406
        case slowClient = 407
        case insufficientSubscription = 409
        case invalidSubscribeAction = 410

        public var message: String {
            switch self {
            case .invalidSyntax: "invalid syntax"
            case .notAuthenticated: "not authenticated"
            case .authFailed: "auth failed"
            case .alreadyAuthenticated: "already authenticated"
            case .authTimeout: "auth timeout"
            case .symbolLimitExceeded: "symbol limit exceeded"
            case .connectionLimitExceeded: "connection limit exceeded"
            case .slowClient: "slow client"
            case .insufficientSubscription: "insufficient subscription"
            case .invalidSubscribeAction: "invalid subscribe action for this feed"
            }
        }
    }

    public static func success(_ message: String, codec: AlpacaCodec) -> [UInt8] {
        frame(.map([entry("T", .string("success")), entry("msg", .string(message))]), codec: codec)
    }

    public static func error(_ failure: Failure, codec: AlpacaCodec) -> [UInt8] {
        frame(.map([entry("T", .string("error")), entry("code", .int(Int64(failure.rawValue))), entry("msg", .string(failure.message))]), codec: codec)
    }

    /// The whole subscription state: every channel of the feed's ack shape, `[]` when empty.
    static func subscription(_ lists: [(channel: String, symbols: [String])], codec: AlpacaCodec) -> [UInt8] {
        var entries = [entry("T", .string("subscription"))]
        for (channel, symbols) in lists { entries.append(entry(channel, .array(symbols.map { .string($0) }))) }
        return frame(.map(entries), codec: codec)
    }

    private static func entry(_ key: String, _ value: WireValue) -> WireValue.Entry { .init(key: .string(key), value: value) }

    /// A singleton array holding `message`.
    static func frame(_ message: WireValue, codec: AlpacaCodec) -> [UInt8] {
        var out: [UInt8] = []
        switch codec {
        case .json: JSONText.append(.array([message]), to: &out)
        case .msgpack: MsgPackWriter.append(.array([message]), to: &out)
        }
        return out
    }
}
