import Foundation
import Testing
import TickforgeMarket
@testable import TickforgeTools

@Suite("Recordings: NDJSON lines read back into events, a line at a time from a file")
struct RecordingTests {
    /// Three minutes of three symbols, every kind the market makes (halts included).
    func events() -> (events: [MarketEvent], tickers: [String]) {
        var timeline = ScenarioTimeline()
        let start = Timestamp(nanoseconds: 1_764_599_400 * Timestamp.nanosPerSecond)
        timeline.add(Scenario(id: "s1", kind: .halt(reason: .newsPending, reopenPercent: 0), symbol: "MSFT", start: start + 40 * Timestamp.nanosPerSecond,
                              end: start + 100 * Timestamp.nanosPerSecond))
        let market = Market(configuration: .standard(seed: 5), timeline: timeline)
        let tickers = ["AAPL", "MSFT", "SPY"]
        let ids = tickers.map { market.symbolID(for: $0)! }
        let kinds: EventKinds = [.trades, .quotes, .secondBars, .minuteBars, .statuses, .lulds]
        return (market.events(for: ids, in: start..<start + 3 * Timestamp.nanosPerMinute, kinds: kinds), tickers)
    }

    func lines(_ events: [MarketEvent], _ tickers: [String]) -> [UInt8] {
        var encoder = NDJSONEncoder()
        for (i, t) in tickers.enumerated() { encoder.register(SymbolID(i), ticker: t) }
        var out: [UInt8] = []
        for e in events { encoder.encode(e, into: &out) }
        return out
    }

    @Test("every line decodes to an event that writes the same line again")
    func roundTrip() throws {
        let (events, tickers) = events()
        let text = lines(events, tickers)
        var decoder = NDJSONEventDecoder { tickers.firstIndex(of: $0).map(SymbolID.init) }
        var decoded: [MarketEvent] = []
        for line in text.split(separator: 10) {
            let event = Array(line).withUnsafeBufferPointer { decoder.decode($0) }
            try #require(event != nil, "\(String(decoding: line, as: UTF8.self))")
            decoded.append(event!)
        }
        #expect(decoded.count == events.count)
        #expect(Set(decoded.map { $0.kind.rawValue }).count == 6, "trades, quotes, both bars, statuses, LULD")
        #expect(String(decoding: lines(decoded, tickers), as: UTF8.self) == String(decoding: text, as: UTF8.self))
        // Prices, stamps, sizes and sequences are exact; only what NDJSON does not carry differs.
        for (a, b) in zip(events, decoded) {
            #expect(a.timestamp == b.timestamp && a.symbol == b.symbol && a.kind == b.kind)
            if case .trade(let x) = a, case .trade(let y) = b { #expect(x == y) }
            if case .quote(let x) = a, case .quote(let y) = b { #expect(x == y) }
        }
    }

    @Test("a correction, a cancel and an error come back whole: both prints, exchange, tape and conditions")
    func corrections() throws {
        let t = Timestamp(nanoseconds: 1_764_599_460 * Timestamp.nanosPerSecond + 123)
        let original = TradeCorrection.Print(id: 52_983_525_033_527, price: Price(units: 391_582), size: 440_000, conditions: TradeConditions([TradeConditions.formT]))
        let fixed = TradeCorrection.Print(id: 52_983_525_034_326, price: Price(units: 391_809), size: 440_000,
                                          conditions: TradeConditions([TradeConditions.formT, TradeConditions.oddLot]))
        let events: [MarketEvent] = [
            .correction(TradeCorrection(symbol: 0, timestamp: t, exchange: 12, tape: .c, original: original, outcome: .corrected(fixed))),
            .correction(TradeCorrection(symbol: 1, timestamp: t + 1, exchange: 4, tape: .a, original: original, outcome: .cancelled)),
            .correction(TradeCorrection(symbol: 1, timestamp: t + 2, exchange: 10, tape: .b, original: original, outcome: .erroneous)),
        ]
        let tickers = ["AAPL", "MSFT"]
        let text = lines(events, tickers)
        var decoder = NDJSONEventDecoder { tickers.firstIndex(of: $0).map(SymbolID.init) }
        let decoded = text.split(separator: 10).map { line in Array(line).withUnsafeBufferPointer { decoder.decode($0) } }
        #expect(decoded == events)
        #expect(String(decoding: text, as: UTF8.self).split(separator: "\n").map { $0.prefix(24) } == [
            #"{"kind":"correction","sy"#, #"{"kind":"cancel","sym":""#, #"{"kind":"error","sym":"M"#,
        ])

        // A line recorded before exchange, tape, conditions and the corrected id were written still reads.
        let old = Array(#"{"kind":"correction","sym":"AAPL","t":5,"i":7,"p":1.5,"s":10,"cp":1.6,"cs":12}"#.utf8)
        guard case .correction(let c)? = old.withUnsafeBufferPointer({ decoder.decode($0) }) else { Issue.record("an old line must read"); return }
        #expect(c.corrected == TradeCorrection.Print(id: TradeCorrection.correctedID(of: 7), price: Price(units: 16_000), size: 12, conditions: TradeConditions()))
        #expect(c.original.id == 7 && c.exchange == 0 && c.tape == .a)
    }

    @Test("the file is read a chunk at a time; lines longer than a chunk, blank and foreign lines are fine; rewind starts again")
    func reader() throws {
        let (events, tickers) = events()
        var text = lines(events, tickers)
        text += Array("\n{\"kind\":\"nonsense\",\"sym\":\"AAPL\"}\nnot json at all\n".utf8)
        text += Array("{\"kind\":\"trade\",\"sym\":\"AAPL\",\"pad\":\"\(String(repeating: "x", count: 3 << 20))\",\"t\":5,\"p\":1}".utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("recording-\(UUID().uuidString).ndjson").path
        try Data(text).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try RecordingReader(path: path) { tickers.firstIndex(of: $0).map(SymbolID.init) }
        var first: [MarketEvent] = []
        while let e = reader.next() { first.append(e) }
        #expect(first.count == events.count + 1, "the long last line, without a newline, is an event too")
        #expect(reader.skippedLines == 2)
        reader.rewind()
        var second: [MarketEvent] = []
        while let e = reader.next() { second.append(e) }
        #expect(second == first)
    }

    @Test("a name ending in .gz writes gzip; it reads back as the plain file does, rewinds, and reads up to where a cut file ends")
    func gzip() throws {
        let (events, tickers) = events()
        let text = lines(events, tickers)
        let directory = FileManager.default.temporaryDirectory
        let path = directory.appendingPathComponent("recording-\(UUID().uuidString).ndjson.gz").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try OutputSink.file(path, gzipLevel: 1)
        #expect(file.isCompressed)
        // In two parts, synced midway, as the recorder writes it.
        let half = text.count / 2
        file.buffer += text[..<half]
        try file.sync()
        file.buffer += text[half...]
        try file.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.prefix(2) == Data([0x1f, 0x8b]) && bytes.count * 4 < text.count, "gzip, and smaller by far: \(bytes.count) of \(text.count) bytes")

        let reader = try RecordingReader(path: path) { tickers.firstIndex(of: $0).map(SymbolID.init) }
        var read: [MarketEvent] = []
        while let e = reader.next() { read.append(e) }
        #expect(read.count == events.count && String(decoding: lines(read, tickers), as: UTF8.self) == String(decoding: text, as: UTF8.self))
        reader.rewind()
        #expect(reader.next() == read.first)

        // Cut after the sync, as a killed recorder leaves it: everything before the sync reads.
        let cut = directory.appendingPathComponent("recording-\(UUID().uuidString).ndjson.gz").path
        defer { try? FileManager.default.removeItem(atPath: cut) }
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        let partial = try RecordingReader(path: cut) { tickers.firstIndex(of: $0).map(SymbolID.init) }
        var some: [MarketEvent] = []
        while let e = partial.next() { some.append(e) }
        let beforeSync = text[..<half].split(separator: 10).count
        #expect(some.count >= beforeSync - 1 && some.count < events.count)
        #expect(Array(some.prefix(beforeSync - 1)) == Array(read.prefix(beforeSync - 1)))
    }

    @Test("a ticker the resolver refuses skips its line")
    func refusedTicker() {
        var decoder = NDJSONEventDecoder { $0 == "AAPL" ? 0 : nil }
        let line = Array(#"{"kind":"trade","sym":"MSFT","t":5,"p":1,"s":1}"#.utf8)
        #expect(line.withUnsafeBufferPointer { decoder.decode($0) } == nil)
    }
}
