import Logging
import ServiceLifecycle
import TickforgeDialects
import TickforgeFeed
import TickforgeMarket

/// The one generator loop: it reads the market clock, asks the hub to release everything up to
/// it, and turns hub notices into protocol actions. In `--speed max` mode it steps market time
/// only while every subscriber's queue is nearly drained, so time runs as fast as the slowest
/// consumer reads.
struct FeedLoop: Service {
    let hub: FeedHub
    let registry: ConnectionRegistry
    let configuration: ServerConfiguration
    /// Created with the server, so `/stats` can publish its anchor before the loop starts, and
    /// shared with the control API, which steers it.
    let clock: FeedClock
    let logger: Logger

    /// Market-time step per iteration in `--speed max` mode.
    static let steppedIncrement: Int64 = 250 * Timestamp.nanosPerMillisecond
    /// How soon the loop looks again while symbols wait on a minute made on demand.
    static let holdingPoll = Duration.microseconds(500)
    /// Loop period while no symbol is subscribed.
    static let idleTick: UInt64 = 50_000_000
    /// A stepped clock waits while any queue holds more than this: about five of the largest
    /// frames a step makes (1,000 symbols, ~190 KB), so the clock does not wait on frames that
    /// are already on their way to the socket.
    static let steppedLowWater = 1 << 20

    func run() async throws {
        let interval = Duration.nanoseconds(Int64(configuration.flushIntervalMilliseconds * 1e6))
        let timer = ContinuousClock()
        var nextTurn = timer.now
        var lateness = LatenessReport()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let stepped = clock.isStepped
            if stepped {
                let connections = await registry.all
                if connections.contains(where: { $0.subscriber.queue.backlogBytes > Self.steppedLowWater }) {
                    try? await Task.sleep(nanoseconds: 1_000_000)
                    continue
                }
                // Preparation sets the pace too: time does not step past minutes still being made.
                await hub.installPrepared()
                if await hub.waitingSymbols > 0 {
                    try? await Task.sleep(nanoseconds: 200_000)
                    continue
                }
                clock.step(by: Self.steppedIncrement)
            }
            let notices = await hub.advance(to: clock.now)
            for notice in notices { await handle(notice) }
            if !stepped { await lateness.check(hub, logger: logger) }
            // With nothing subscribed there is nothing to flush: wake rarely, so an idle server
            // costs next to no CPU (a first subscriber waits at most one idle tick). A paused
            // stepped clock has nothing to step either.
            if await hub.activeSymbolCount == 0 || (stepped && clock.isPaused) {
                try? await Task.sleep(nanoseconds: stepped ? 5_000_000 : Self.idleTick)
                nextTurn = timer.now
            } else if !stepped {
                // Turns keep a fixed cadence whatever each one cost, so an event waits at most
                // one interval; a turn that overran starts the next at once.
                nextTurn = max(nextTurn + interval, timer.now)
                // A symbol held for a minute made on demand (a scenario that just took effect)
                // is looked at again soon, not a whole turn later: the minute takes about a
                // millisecond to make, and the scenario's first events wait on it.
                if await hub.holdingSymbols > 0 { nextTurn = min(nextTurn, timer.now + Self.holdingPoll) }
                try? await Task.sleep(until: nextTurn, clock: timer)
            } else {
                await Task.yield()
            }
        }
        // Shutting down. This service is last in the group, so it stops first: connections are
        // aborted here, before the HTTP server starts its own graceful close (which would send
        // 1000, making the Python client stop for good, and wait on readers that never answer).
        // Clients see an abrupt disconnect and reconnect when the server is back.
        let connections = await registry.all
        if !connections.isEmpty {
            logger.info("shutting down: aborting connections", metadata: ["connections": "\(connections.count)"])
        }
        for c in connections {
            c.noteEnding("shutdown", [])
            c.abortNow()
        }
    }

    private func handle(_ notice: FeedHub.Notice) async {
        switch notice {
        case .slowConsumer(let id):
            await registry.connection(id)?.dropAsSlowConsumer()
        }
    }
}

/// Says so in the log, at most once a second, when minutes were not ready at their boundary: the
/// factory fell behind and those symbols' events went out late.
struct LatenessReport {
    private var reported = 0
    private var lastCheck: Int64 = 0

    mutating func check(_ hub: FeedHub, logger: Logger) async {
        let now = SystemTime.monotonicNanoseconds()
        guard now - lastCheck >= 1_000_000_000 else { return }
        lastCheck = now
        let s = await hub.stats
        guard s.minutesLate > reported else { return }
        logger.warning("minute preparation fell behind: symbols waited at a minute's end and their events went out late",
                       metadata: ["late-minutes": "\(s.minutesLate - reported)", "waiting-now": "\(s.symbolsWaiting)", "backlog": "\(s.preparationBacklog)"])
        reported = s.minutesLate
    }
}
