import TickforgeDialects

/// What a session asks the transport to do when the server, not the client, ends things.
enum SessionEffect: Sendable, Equatable {
    case send([UInt8])
    /// Close after what is queued (as an abort: no close frame, see README "Shutdown").
    case close
}

/// The two server-initiated endings every dialect defines in its own words.
protocol DialectSession: Sendable {
    mutating func slowConsumerEffects() -> [SessionEffect]
    mutating func evictedEffects() -> [SessionEffect]
}

extension PolygonSession: DialectSession {
    mutating func slowConsumerEffects() -> [SessionEffect] { Self.effects(slowConsumer()) }
    mutating func evictedEffects() -> [SessionEffect] { Self.effects(evicted()) }

    private static func effects(_ actions: [Action]) -> [SessionEffect] {
        actions.compactMap {
            switch $0 {
            case .send(let frame): .send(frame)
            case .abort: .close
            default: nil
            }
        }
    }
}

extension AlpacaSession: DialectSession {
    mutating func slowConsumerEffects() -> [SessionEffect] { Self.effects(slowConsumer()) }
    /// Alpaca refuses the newcomer instead (406), so an Alpaca connection is never evicted.
    mutating func evictedEffects() -> [SessionEffect] { [] }

    static func effects(_ actions: [Action]) -> [SessionEffect] {
        actions.compactMap {
            switch $0 {
            case .send(let frame): .send(frame)
            case .close: .close
            default: nil
            }
        }
    }
}
