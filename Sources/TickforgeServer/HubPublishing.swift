import TickforgeFeed
import TickforgeMarket

/// How a live source in the server hands events to the hub, and learns whether clients keep up.
enum HubPublishing {
    /// Publishes into the hub and drops, as slow consumers, the connections it names.
    static func publish(to hub: FeedHub, registry: ConnectionRegistry) -> @Sendable ([MarketEvent]) async -> Void {
        { events in
            for notice in await hub.publish(events) {
                if case .slowConsumer(let id) = notice { await registry.connection(id)?.dropAsSlowConsumer() }
            }
        }
    }

    /// A backlog above this means a client is behind: a source at `max` waits (as the stepped clock does).
    static let lowWater = 1 << 20

    static func readersBehind(_ registry: ConnectionRegistry) -> @Sendable () async -> Bool {
        { await registry.all.contains { $0.subscriber.queue.backlogBytes > lowWater } }
    }
}
