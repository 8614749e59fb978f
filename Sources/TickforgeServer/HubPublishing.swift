import TickforgeFeed
import TickforgeMarket

/// How a live source in the server hands events to the hub, and learns whether clients keep up.
enum HubPublishing {
    /// Hands on events, and optionally their source's own bytes in one dialect.
    typealias Publish = @Sendable (_ events: [MarketEvent], _ verbatim: FeedHub.VerbatimEvents?) async -> Void

    /// Publishes into the hub and drops, as slow consumers, the connections it names.
    static func publish(to hub: FeedHub, registry: ConnectionRegistry) -> Publish {
        { events, verbatim in
            for notice in await hub.publish(events, verbatim: verbatim) {
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
