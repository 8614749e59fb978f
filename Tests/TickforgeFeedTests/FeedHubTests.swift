import Synchronization
import Testing
import TickforgeMarket
@testable import TickforgeFeed

/// A dialect that writes `sym:sequence` and counts its encodes, so routing is visible.
struct ProbeEncoder: DialectEncoder {
    var tickers: [SymbolID: String] = [:]
    mutating func register(_ symbol: SymbolID, ticker: String) { tickers[symbol] = ticker }
    func encode(_ event: MarketEvent, into out: inout [UInt8]) -> Bool {
        let tag: String
        switch event {
        case .trade(let t): tag = "T:\(t.sequence)"
        case .quote(let q): tag = "Q:\(q.sequence)"
        case .bar(let b):
            switch b.span {
            case .second: tag = "A:\(b.end.nanoseconds)"
            case .minute: tag = "AM:\(b.end.nanoseconds)"
            case .day: tag = "D:\(b.end.nanoseconds)"
            }
        case .status(let x): tag = "S:\(x.timestamp.nanoseconds)"
        case .luld(let x): tag = "L:\(x.sequence)"
        case .correction(let x): tag = "C:\(x.original.id)"
        }
        out.append(contentsOf: Array("\"\(tickers[event.symbol]!)|\(tag)\"".utf8))
        return true
    }
    func appendFramePrefix(eventCount: Int, to frame: inout [UInt8]) { frame.append(contentsOf: Array("[".utf8)) }
    let frameSeparator: [UInt8] = Array(",".utf8)
    let frameSuffix: [UInt8] = Array("]".utf8)

    /// Every item queued so far, frame by frame: each frame must be one `[...]` of quoted items.
    static func drain(_ q: OutboundQueue) -> [String] {
        var items: [String] = []
        while let f = q.tryPop() {
            let text = String(decoding: f, as: UTF8.self)
            #expect(text.hasPrefix("[") && text.hasSuffix("]"))
            items += text.dropFirst().dropLast().split(separator: ",").map { String($0.dropFirst().dropLast()) }
        }
        return items
    }
}

@Suite("The feed hub routes each event once per dialect to bounded queues")
struct FeedHubTests {
    static let start = RFC3339.parse("2026-11-23T00:05:00-05:00")!

    /// A hub whose minutes are prepared synchronously, so that each `advance` releases at once.
    func hub(symbols: [String] = ["AAPL", "MSFT"], open: Bool = false, options: FeedHub.Options = .init(), dialects: Int = 1) -> FeedHub {
        var options = options
        options.preparation = .inline
        let u = try! Universe(seed: 3, symbols: symbols, isOpen: open)
        let market = Market(configuration: MarketConfiguration(seed: 3, universe: u))
        return FeedHub(market: market, encoders: Array(repeating: ProbeEncoder(), count: dialects), start: Self.start, options: options)
    }


    @Test("no subscribers, no generation work")
    func idle() async {
        let h = hub()
        await h.advance(to: Self.start + 30 * Timestamp.nanosPerSecond)
        #expect(await h.minutesGenerated == 0)
        #expect(await h.activeSymbolCount == 0)
    }

    @Test("a subscriber gets exactly its topics; unsubscribing one client leaves the other receiving")
    func isolation() async {
        let h = hub()
        let a = await h.addSubscriber(dialect: .init(0)), b = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(a.id, kind: .trades, ticker: "AAPL")
        await h.subscribe(b.id, kind: .trades, ticker: "AAPL")
        await h.subscribe(b.id, kind: .quotes, ticker: "MSFT")
        await h.advance(to: Self.start + 2 * Timestamp.nanosPerSecond)
        let ra = ProbeEncoder.drain(a.queue), rb = ProbeEncoder.drain(b.queue)
        #expect(!ra.isEmpty)
        #expect(ra.allSatisfy { $0.hasPrefix("AAPL|T:") })
        #expect(rb.contains { $0.hasPrefix("MSFT|Q:") })
        #expect(Set(rb.filter { $0.hasPrefix("AAPL") }) == Set(ra))
        await h.unsubscribe(a.id, kind: .trades, ticker: "AAPL")
        await h.advance(to: Self.start + 4 * Timestamp.nanosPerSecond)
        #expect(ProbeEncoder.drain(a.queue).isEmpty)
        #expect(ProbeEncoder.drain(b.queue).contains { $0.hasPrefix("AAPL|T:") })
    }

    @Test("each event is encoded once per dialect, however many subscribers share it")
    func encodeOnce() async {
        let h = hub(dialects: 2)
        var subs: [Subscriber] = []
        for i in 0..<6 { subs.append(await h.addSubscriber(dialect: .init(i % 2))) }
        for s in subs { await h.subscribe(s.id, kind: .trades, ticker: "AAPL") }
        await h.advance(to: Self.start + 5 * Timestamp.nanosPerSecond)
        let delivered = ProbeEncoder.drain(subs[0].queue).count
        #expect(delivered > 10)
        #expect(await h.encodeCount == 2 * delivered)
        for s in subs.dropFirst() { #expect(ProbeEncoder.drain(s.queue).count == delivered) }
    }

    @Test("the wildcard means the configured universe; a ticker outside a fixed universe yields nothing")
    func wildcard() async {
        let h = hub(symbols: ["AAPL", "MSFT"], open: false)
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, kind: .trades, ticker: "*")
        #expect(await h.subscribe(s.id, kind: .trades, ticker: "NVDA") == .unknownSymbol)
        await h.advance(to: Self.start + 5 * Timestamp.nanosPerSecond)
        let symbols = Set(ProbeEncoder.drain(s.queue).map { $0.split(separator: "|")[0] })
        #expect(symbols == ["AAPL", "MSFT"])
    }

    @Test("an open universe stops creating symbols at the cap: made-up tickers cannot grow memory without bound")
    func symbolCap() async {
        var o = FeedHub.Options()
        o.maxSymbols = 5
        let h = hub(symbols: ["AAPL", "MSFT"], open: true, options: o)
        let s = await h.addSubscriber(dialect: .init(0))
        var resolutions: [FeedHub.Resolution] = []
        for i in 0..<10 { resolutions.append(await h.subscribe(s.id, kind: .trades, ticker: "ZZ\(i)")) }
        #expect(resolutions.prefix(3).allSatisfy { $0 == .subscribed })
        #expect(resolutions.suffix(7).allSatisfy { $0 == .unknownSymbol })
        #expect(await h.subscribe(s.id, kind: .trades, ticker: "ZZ0") == .subscribed, "known tickers still resolve")
    }

    @Test("events go out in market-time order and never twice, across minute boundaries")
    func streamMatchesMarket() async {
        let h = hub()
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, kind: .trades, ticker: "AAPL")
        var seen: [String] = []
        var t = Self.start
        for _ in 0..<40 { // 40 × 3 s crosses two minute boundaries
            t = t + 3 * Timestamp.nanosPerSecond
            await h.advance(to: t)
            seen += ProbeEncoder.drain(s.queue)
        }
        let m = Market(configuration: MarketConfiguration(seed: 3, universe: try! Universe(seed: 3, symbols: ["AAPL", "MSFT"], isOpen: false)))
        let expected = m.tape(m.symbolID(for: "AAPL")!).events(in: Timestamp(nanoseconds: Self.start.nanoseconds + 1)..<(t + 1), kinds: .trades)
            .map { if case .trade(let x) = $0 { "AAPL|T:\(x.sequence)" } else { "" } }
        #expect(expected.count > 100)
        #expect(seen == expected)
    }

    @Test("bars are released after their window plus the configured delay")
    func barDelay() async {
        var o = FeedHub.Options()
        o.barDelayNanoseconds = 2 * Timestamp.nanosPerSecond
        let h = hub(options: o)
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, kind: .secondBars, ticker: "AAPL")
        await h.advance(to: Self.start + 2 * Timestamp.nanosPerSecond + 500_000_000)
        // The first second's bar ends at +1 s, so with a 2 s delay it is due at +3 s, not before.
        #expect(ProbeEncoder.drain(s.queue).isEmpty)
        await h.advance(to: Self.start + 3 * Timestamp.nanosPerSecond)
        let second = ProbeEncoder.drain(s.queue)
        #expect(second == ["AAPL|A:\((Self.start + Timestamp.nanosPerSecond).nanoseconds)"])
    }

    @Test("a consumer over its byte bound is reported slow; the others keep receiving")
    func slowConsumer() async {
        var o = FeedHub.Options()
        o.queueLimits = .init(maxBytes: 20_000, maxAgeNanoseconds: 60 * Timestamp.nanosPerSecond)
        let h = hub(options: o)
        let slow = await h.addSubscriber(dialect: .init(0)), fast = await h.addSubscriber(dialect: .init(0))
        for s in [slow, fast] { await h.subscribe(s.id, kind: .quotes, ticker: "*") }
        var notices: [FeedHub.Notice] = []
        var fastCount = 0
        for i in 1...20 {
            notices += await h.advance(to: Self.start + Int64(i) * Timestamp.nanosPerSecond)
            fastCount += ProbeEncoder.drain(fast.queue).count // the fast one reads; the slow one never does
        }
        #expect(notices.contains(.slowConsumer(slow.id)))
        #expect(!notices.contains(.slowConsumer(fast.id)))
        #expect(slow.queue.backlogBytes <= 20_000)
        #expect(fastCount > 1000)
        await h.removeSubscriber(slow.id)
        #expect(slow.queue.push([1]) == .closed)
    }

    @Test("frames stay under the size limit")
    func frameLimit() async {
        var o = FeedHub.Options()
        o.maxFrameBytes = 4_096
        let h = hub(options: o)
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, kind: .quotes, ticker: "*")
        await h.advance(to: Self.start + 10 * Timestamp.nanosPerSecond)
        var frames = 0
        while let f = s.queue.tryPop() { frames += 1; #expect(f.count <= 4_096) }
        #expect(frames > 2)
    }

    @Test("the last subscriber leaving stops generation")
    func idleAgain() async {
        let h = hub()
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, kind: .trades, ticker: "AAPL")
        await h.advance(to: Self.start + 61 * Timestamp.nanosPerSecond)
        let generated = await h.minutesGenerated
        #expect(generated >= 2)
        await h.removeSubscriber(s.id)
        #expect(await h.activeSymbolCount == 0)
        await h.advance(to: Self.start + 300 * Timestamp.nanosPerSecond)
        #expect(await h.minutesGenerated == generated)
    }
}

@Suite("Outbound queue")
struct OutboundQueueTests {
    @Test("a writer that found the queue empty is woken once by the next push, and by close")
    func wake() {
        let q = OutboundQueue()
        let wakes = Mutex(0)
        #expect(q.pushControl([7]) == .queued)
        q.setWakeHandler { wakes.withLock { $0 += 1 } }
        #expect(wakes.withLock { $0 } == 1, "installing the handler wakes it for what is already queued")
        #expect(q.popOrRequestWake() == .frame([7]))
        #expect(q.push([1]) == .queued)
        #expect(wakes.withLock { $0 } == 1, "no wake was asked for: the writer was still popping")
        #expect(q.popOrRequestWake() == .frame([1]))
        #expect(q.popOrRequestWake() == .empty)
        #expect(q.push([2]) == .queued)
        #expect(q.push([3]) == .queued)
        #expect(wakes.withLock { $0 } == 2, "one wake per request, however many pushes follow")
        #expect(q.popOrRequestWake() == .frame([2]))
        #expect(q.popOrRequestWake() == .frame([3]))
        #expect(q.popOrRequestWake() == .empty)
        q.close()
        #expect(wakes.withLock { $0 } == 3, "close wakes a waiting writer")
        #expect(q.popOrRequestWake() == .closed)
        #expect(q.push([9]) == .closed)
    }

    @Test("frames queued before close still drain; then the writer sees closed")
    func drainAfterClose() {
        let q = OutboundQueue()
        #expect(q.push([1]) == .queued)
        q.close()
        #expect(q.popOrRequestWake() == .frame([1]))
        #expect(q.popOrRequestWake() == .closed)
    }

    @Test("control frames pass a full queue; data frames do not")
    func control() {
        let q = OutboundQueue(limits: .init(maxBytes: 10, maxAgeNanoseconds: .max))
        #expect(q.push(Array(repeating: 0, count: 8), now: 0) == .queued)
        #expect(q.push(Array(repeating: 0, count: 8), now: 0) == .slowConsumer)
        #expect(q.pushControl(Array(repeating: 0, count: 8), now: 0) == .queued)
        #expect(q.queuedFrames == 2)
    }

    @Test("age counts: an old backlog is slow even when small")
    func age() {
        let q = OutboundQueue(limits: .init(maxBytes: 1 << 20, maxAgeNanoseconds: 1_000))
        #expect(q.push([1], now: 0) == .queued)
        #expect(q.push([2], now: 500) == .queued)
        #expect(q.push([3], now: 2_000) == .slowConsumer)
    }
}

@Suite("Minutes are prepared off the release loop")
struct BackgroundPreparationTests {
    static let start = RFC3339.parse("2026-11-23T00:05:00-05:00")!

    func drainCount(_ q: OutboundQueue) -> Int {
        var n = 0
        while let f = q.tryPop() { n += String(decoding: f, as: UTF8.self).split(separator: ",").count }
        return n
    }

    @Test("the factory's minutes are the market's: the background hub sends what an inline hub sends")
    func sameEvents() async {
        func run(_ preparation: FeedHub.Preparation) async -> [UInt8] {
            var o = FeedHub.Options()
            o.preparation = preparation
            let u = try! Universe(seed: 3, symbols: ["AAPL", "MSFT"], isOpen: false)
            let h = FeedHub(market: Market(configuration: MarketConfiguration(seed: 3, universe: u)), encoders: [ProbeEncoder()], start: Self.start, options: o)
            let s = await h.addSubscriber(dialect: .init(0))
            await h.subscribe(s.id, [(.trades, "AAPL"), (.secondBars, "MSFT"), (.minuteBars, "*")])
            await h.waitForPreparation(timeout: 30)
            var bytes: [UInt8] = []
            var t = Self.start
            for _ in 0..<50 {
                t = t + 3 * Timestamp.nanosPerSecond
                await h.advance(to: t)
                // Preparation runs a minute ahead; let it finish before the next step, as the stepped clock does.
                await h.waitForPreparation(timeout: 30)
                await h.advance(to: t)
                while let f = s.queue.tryPop() { bytes += f }
            }
            return bytes
        }
        let inline = await run(.inline), background = await run(.background)
        #expect(inline.count > 10_000)
        #expect(background == inline)
    }

    @Test("a symbol whose minute is not ready waits and is counted; nothing is lost when it comes")
    func lateMinutes() async {
        var o = FeedHub.Options()
        o.preparation = .background
        let u = try! Universe(seed: 3, symbols: ["AAPL"], isOpen: false)
        let h = FeedHub(market: Market(configuration: MarketConfiguration(seed: 3, universe: u)), encoders: [ProbeEncoder()], start: Self.start, options: o)
        let s = await h.addSubscriber(dialect: .init(0))
        await h.subscribe(s.id, kind: .trades, ticker: "AAPL")
        // Straight to three minutes later, before anything was prepared: the symbol waits.
        await h.advance(to: Self.start + 3 * Timestamp.nanosPerMinute)
        var stats = await h.stats
        #expect(stats.symbolsWaiting == 1 || stats.minutesLate >= 1)
        var received = 0
        for _ in 0..<200 where received < 3_000 {
            await h.waitForPreparation(timeout: 30)
            await h.advance(to: Self.start + 3 * Timestamp.nanosPerMinute)
            received += drainCount(s.queue)
        }
        await h.waitForPreparation(timeout: 30)
        await h.advance(to: Self.start + 3 * Timestamp.nanosPerMinute)
        stats = await h.stats
        #expect(stats.symbolsWaiting == 0, "once the factory caught up")
        let m = Market(configuration: MarketConfiguration(seed: 3, universe: u))
        let expected = m.tape(m.symbolID(for: "AAPL")!).events(in: (Self.start + 1)..<(Self.start + 3 * Timestamp.nanosPerMinute + 1), kinds: .trades).count
        #expect(received == expected)
    }
}
