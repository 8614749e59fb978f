import TickforgeDialects
import TickforgeMarket

/// The `/v2/test` stream of one connection: FAKEPACA's fixed trade and quote every 5 s from the
/// first subscription, and its bar after each wall-clock minute, on whichever of those channels the
/// session holds FAKEPACA (or `*`) in. Real time, around the clock, whatever the market clock does.
struct FakepacaLoop {
    let connection: FeedConnection<AlpacaSession>

    func run() async {
        let codec = connection.withSession { $0.codec }
        var nextTick: Timestamp?
        var nextBar = Timestamp(nanoseconds: (SystemTime.now().minuteIndex + 1) * Timestamp.nanosPerMinute)
        while !Task.isCancelled {
            let channels = connection.withSession { s in
                Set(s.subscriptions.filter { $0.value.contains(FakepacaFeed.symbol) || $0.value.contains("*") }.keys)
            }
            let now = SystemTime.now()
            if !channels.isEmpty, nextTick == nil { nextTick = now + FakepacaFeed.tickInterval }
            if let tick = nextTick, now >= tick {
                if channels.contains(.quotes) { push(FakepacaFeed.quote(at: SystemTime.now(), codec: codec)) }
                if channels.contains(.trades) { push(FakepacaFeed.trade(at: SystemTime.now(), codec: codec)) }
                nextTick = tick + FakepacaFeed.tickInterval
            }
            if now >= nextBar {
                if channels.contains(.bars) { push(FakepacaFeed.bar(minuteStart: nextBar + -Timestamp.nanosPerMinute, codec: codec)) }
                nextBar = nextBar + Timestamp.nanosPerMinute
            }
            // Wake for whichever comes first; re-check subscriptions at least every 100 ms.
            let due = min(nextTick ?? nextBar, nextBar)
            let wait = max(1_000_000, min(100_000_000, due - SystemTime.now()))
            try? await Task.sleep(nanoseconds: UInt64(wait))
        }
    }

    private func push(_ frame: [UInt8]) {
        if connection.subscriber.queue.push(frame) == .slowConsumer { connection.dropAsSlowConsumer() }
    }
}
