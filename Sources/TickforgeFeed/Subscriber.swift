import Synchronization
import TickforgeMarket

/// One connection as the hub sees it: which dialect it speaks and where its frames go.
public final class Subscriber: Sendable {
    public let id: SubscriberID
    /// The dialect it speaks: which encoder's frames it gets.
    public let dialect: DialectID
    public let queue: OutboundQueue

    init(id: SubscriberID, dialect: DialectID, queue: OutboundQueue) {
        self.id = id
        self.dialect = dialect
        self.queue = queue
    }
}

/// Hands out subscriber ids in order. Hubs that serve connections of one server share one, so
/// every connection has an id of its own whichever hub it joined (the server's market and the
/// `/v2/test` stream each have a hub).
public final class SubscriberIDs: Sendable {
    private let next = Mutex<UInt64>(1)

    public init() {}

    func take() -> SubscriberID {
        next.withLock { n in
            defer { n += 1 }
            return SubscriberID(raw: n)
        }
    }
}
