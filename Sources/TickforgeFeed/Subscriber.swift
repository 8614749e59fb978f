import TickforgeMarket

/// One connection as the hub sees it: which dialect it speaks and where its frames go.
public final class Subscriber: Sendable {
    public let id: SubscriberID
    /// Index of the dialect's encoder in the hub.
    public let dialect: Int
    public let queue: OutboundQueue

    init(id: SubscriberID, dialect: Int, queue: OutboundQueue) {
        self.id = id
        self.dialect = dialect
        self.queue = queue
    }
}
