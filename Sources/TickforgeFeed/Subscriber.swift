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
