import Logging
import ServiceLifecycle
import Synchronization
import TickforgeFeed
import TickforgeMarket
import TickforgeTools

/// What `tickforge replay` serves: a recording, at a speed, once or in a loop.
public struct ReplaySettings: Sendable {
    public var path: String
    public var loop: Bool
    public init(path: String, loop: Bool) {
        self.path = path
        self.loop = loop
    }
}

/// The hub's source in `tickforge replay`: it publishes a recording's events through the hub, so
/// both dialects serve them, paced by the speed.
///
/// The replay starts when the first client subscribes, so that a client sees it from its first
/// event. Events go out in batches that each cover a fixed stretch of recorded time (one flush
/// interval at 1×, N of them at N×, 250 ms at `max`), never merged or split by how late the loop
/// runs; so the same recording, subscribed the same way, gives the same frames, byte for byte,
/// on every run. At `max`, a batch goes out only once every client's backlog is nearly drained.
struct RecordingReplay: Service {
    let settings: ReplaySettings
    let speed: ClockSpeed
    let flushIntervalNanoseconds: Int64
    /// What clients subscribed to: the replay starts with the first subscription (the hub routes
    /// each event only to those who asked for it).
    let interest: LiveInterest
    let symbols: LiveSymbolTable
    /// Where events go: the hub (`HubPublishing`), or an embedded source's reader.
    let publish: HubPublishing.Publish
    /// At `max`, whether a reader is still behind (the next batch waits until it is not).
    let readersBehind: @Sendable () async -> Bool
    let logger: Logger

    /// Recorded time per batch at `max`, as the stepped clock steps.
    static let steppedBatch: Int64 = 250 * Timestamp.nanosPerMillisecond

    func run() async throws {
        // Shutdown cancels the waits in here; that is how it ends, not an error.
        do { try await cancelWhenGracefulShutdown { try await replay() } } catch is CancellationError {}
    }

    private func replay() async throws {
        let reader = try RecordingReader(path: settings.path) { symbols.id(for: $0) }
        while interest.current.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        var pass = 1
        repeat {
            let published = try await replayOnce(reader, pass: pass)
            logger.info("replay reached the end of the recording", metadata: ["file": "\(settings.path)", "events": "\(published)", "pass": "\(pass)",
                                                                           "skipped-lines": "\(reader.skippedLines)"])
            reader.rewind()
            pass += 1
        } while settings.loop
        // Not looping: the clients stay connected, and nothing more comes.
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    /// One pass over the recording; returns the events published.
    private func replayOnce(_ reader: RecordingReader, pass: Int) async throws -> Int {
        guard var pending = reader.next() else { return 0 }
        let clock = ContinuousClock()
        let startWall = clock.now
        let startRecorded = pending.timestamp
        let window: Int64
        switch speed {
        case .max: window = Self.steppedBatch
        case .multiplier(let x): window = max(1, Int64(Double(flushIntervalNanoseconds) * x))
        }
        var windowEnd = startRecorded + window
        var published = 0
        var exhausted = false
        while !exhausted {
            var batch: [MarketEvent] = []
            while pending.timestamp < windowEnd {
                batch.append(pending)
                guard let next = reader.next() else { exhausted = true; break }
                pending = next
            }
            switch speed {
            case .max:
                while await readersBehind() { try await Task.sleep(for: .milliseconds(1)) }
            case .multiplier(let x):
                let due = startWall + .nanoseconds(Int64(Double(windowEnd - startRecorded) / x))
                try await Task.sleep(until: due, clock: clock)
            }
            if !batch.isEmpty {
                published += batch.count
                await publish(batch, nil)
            }
            // At max, an empty stretch of the recording costs nothing: go straight to the next event.
            if case .max = speed, !exhausted, pending.timestamp >= windowEnd + window {
                windowEnd = windowEnd + ((pending.timestamp - windowEnd) / window) * window
            }
            windowEnd = windowEnd + window
        }
        return published
    }
}
