import TickforgeMarket

/// What a subscription asks for: one event kind of one symbol, or of every symbol in the
/// configured universe (the wildcard).
public struct Topic: Hashable, Sendable {
    /// Exactly one kind.
    public var kind: EventKinds
    /// `nil` is the wildcard.
    public var symbol: SymbolID?

    public init(kind: EventKinds, symbol: SymbolID?) {
        precondition(kind.rawValue.nonzeroBitCount == 1, "a topic names exactly one event kind")
        self.kind = kind
        self.symbol = symbol
    }
}

/// Identifies one subscriber (one connection) for the life of a hub.
public struct SubscriberID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let raw: UInt64
    public init(raw: UInt64) { self.raw = raw }
    public static func < (a: SubscriberID, b: SubscriberID) -> Bool { a.raw < b.raw }
    public var description: String { "#\(raw)" }
}

extension EventKinds {
    /// The single kinds, in a fixed order (the index of each in routing tables).
    static let singles: [EventKinds] = [.trades, .quotes, .secondBars, .minuteBars, .dailyBars, .statuses, .lulds]

    /// Index of a single kind in `singles`.
    @inline(__always) var singleIndex: Int { rawValue.trailingZeroBitCount }
}
