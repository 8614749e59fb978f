import Foundation
import TickforgeMarket

/// One of the hub's release shards: a `ReleaseEngine` (with its own `MinuteFactory`, router and
/// encoding arenas) for the symbols whose id falls to it, and, when the hub runs shards in
/// parallel, a thread of its own that releases it.
///
/// Symbol `id` belongs to shard `id % count`, so a symbol's events always leave from one shard, in
/// order. Shards release and encode in parallel; the hub then frames every shard's runs together,
/// so a subscriber still gets one frame a turn. Each shard makes the same minutes the one-shard hub makes, from a market of its own
/// built from the same configuration, so a symbol's bytes do not depend on the shard count.
///
/// The hub touches `engine` only while no release runs: `startRelease` hands it to the shard's
/// thread and `finishRelease` takes it back, both under the shard's lock, so every access is
/// ordered by it.
final class ReleaseShard: @unchecked Sendable {
    var engine: ReleaseEngine
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var asked: Timestamp?
    private var running = false
    private var stopped = false
    private var thread: Thread?

    /// - Parameter threaded: release on a thread of the shard's own; otherwise `startRelease` runs
    ///   the release at once, on the caller's thread (tests that step the hub by hand).
    init(engine: ReleaseEngine, index: Int, threaded: Bool) {
        self.engine = engine
        if threaded {
            // The thread keeps the shard alive until `stop()`.
            let thread = Thread { self.work() }
            thread.name = "tickforge-release-\(index)"
            thread.start()
            self.thread = thread
        }
    }

    /// Starts releasing everything up to `target` into the engine's router; `finishRelease` waits
    /// for it. A shard with no symbols is released on the spot: waking a thread would cost more.
    func startRelease(to target: Timestamp) {
        guard thread != nil, !engine.symbols.isEmpty else {
            engine.release(to: target)
            return
        }
        condition.lock()
        asked = target
        running = true
        condition.signal()
        condition.unlock()
    }

    /// Waits for the release `startRelease` began.
    func finishRelease() {
        condition.lock()
        while running { condition.wait() }
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        engine.factory.stop()
    }

    private func work() {
        while true {
            condition.lock()
            while asked == nil, !stopped { condition.wait() }
            if stopped { running = false; condition.broadcast(); condition.unlock(); return }
            let target = asked!
            asked = nil
            condition.unlock()

            engine.release(to: target)

            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// The hub's shards, and the one rule that places a symbol on one of them.
struct ReleaseShards {
    let shards: [ReleaseShard]

    var count: Int { shards.count }

    /// The index of the shard that releases `id`'s events. Live ids are routed by the hub itself,
    /// on shard 0.
    func index(of id: SymbolID) -> Int { Int(id) % shards.count }

    /// Releases every shard to `target` at once (shard 0 on the caller's thread), then frames what
    /// they released, one frame sequence per subscriber. Returns the slots over their bound.
    func advance(to target: Timestamp) -> [Int32] {
        var slow: [Int32] = []
        guard shards.count > 1 else {
            shards[0].engine.advance(to: target, slow: &slow)
            return slow
        }
        for s in shards.dropFirst() { s.startRelease(to: target) }
        shards[0].engine.release(to: target)
        for s in shards.dropFirst() { s.finishRelease() }
        // The routers are moved out for framing and back, so no arena is copied.
        var routers = shards.map { shard -> FrameRouter in
            var router = FrameRouter.placeholder
            swap(&router, &shard.engine.router)
            return router
        }
        FrameRouter.flush(&routers, slow: &slow)
        for (shard, i) in zip(shards, routers.indices) { swap(&routers[i], &shard.engine.router) }
        return slow
    }

    func stop() { for s in shards { s.stop() } }
}
