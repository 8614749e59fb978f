import ServiceLifecycle
import TickforgeDialects
import TickforgeFeed
import TickforgeMarket

/// FAKEPACA, the only source of the `/v2/test` stream's hub. While any connection wants FAKEPACA
/// (on any channel, or `*`), it publishes the test stream's quote and trade every 5 s and its bar
/// after each minute, in real time whatever the market clock does; with nobody subscribed it
/// sleeps. Every connection gets the same messages, encoded once per codec by the hub, and other
/// tickers on `/v2/test` get nothing, as on Alpaca's own test stream.
struct FakepacaSource: Service {
    /// What the test stream's connections want, as the hub reports it.
    let interest: LiveInterest
    let symbols: LiveSymbolTable
    let publish: HubPublishing.Publish

    func run() async throws {
        await cancelWhenGracefulShutdown { await serve() }
    }

    private func serve() async {
        guard let id = symbols.id(for: FakepacaFeed.symbol) else { return }
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        interest.setWake(wake)
        defer { interest.setWake(nil) }
        var wakeups = wakes.makeAsyncIterator()
        var schedule = FakepacaFeed.Schedule()
        while !Task.isCancelled {
            let wanted = interest.current.contains { $0.ticker == FakepacaFeed.symbol || $0.isWildcard }
            for due in schedule.take(now: SystemTime.now(), wanted: wanted) {
                // Each message in an array of its own, as the test stream sends them.
                switch due {
                case .bar(let minuteStart):
                    await publish([FakepacaFeed.bar(id, minuteStart: minuteStart)], nil)
                case .tick(let t):
                    await publish([FakepacaFeed.quote(id, at: t)], nil)
                    await publish([FakepacaFeed.trade(id, at: t)], nil)
                }
            }
            if let due = schedule.nextDue {
                // Interest that ends meanwhile stops the schedule at the next turn; until then the
                // hub routes the messages to nobody.
                try? await Task.sleep(nanoseconds: UInt64(max(1_000_000, due - SystemTime.now())))
            } else if await wakeups.next() == nil {
                return
            }
        }
    }
}

extension FakepacaSource {
    /// The test stream's hub: no synthetic symbols, so every ticker named on `/v2/test` is a live
    /// one, and FAKEPACA the only one that ever has events. It shares the server's dialects (a
    /// connection's `DialectID` means the same in both hubs) and subscriber ids.
    static func hub(configuration: ServerConfiguration, interest: LiveInterest, symbols: LiveSymbolTable, subscriberIDs: SubscriberIDs) -> FeedHub {
        var options = configuration.hub
        // Nothing to generate: no shards' threads, no factory thread.
        options.shards = 1
        options.preparation = .inline
        let seed = configuration.market.seed
        // An empty, closed universe cannot fail validation.
        let market = Market(configuration: MarketConfiguration(seed: seed, universe: try! Universe(seed: seed, symbols: [], isOpen: false)))
        return FeedHub(market: market, encoders: HubDialects.encoders(), start: SystemTime.now(), options: options,
                       live: FeedHub.LiveFeed(source: interest, symbols: symbols), subscriberIDs: subscriberIDs)
    }
}
