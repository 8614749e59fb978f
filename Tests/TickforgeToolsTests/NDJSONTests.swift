import Testing
import TickforgeMarket
@testable import TickforgeTools

@Suite("NDJSON export and the realism analyzer")
struct NDJSONTests {
    func line(_ e: MarketEvent) -> String {
        var encoder = NDJSONEncoder()
        encoder.register(3, ticker: "BRK.B")
        var out: [UInt8] = []
        encoder.encode(e, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("a TRF odd-lot trade encodes byte for byte")
    func tradeLine() {
        let t = Trade(
            symbol: 3, timestamp: Timestamp(nanoseconds: 1_795_444_200_016_373_671),
            participantTimestamp: Timestamp(nanoseconds: 1_795_444_200_016_245_807), sequence: 42, id: 42,
            price: Price(units: 4_701_200), size: 37, exchange: 4, tape: .a, conditions: TradeConditions([12, 37]),
            trfID: 202, trfTimestamp: Timestamp(nanoseconds: 1_795_444_200_016_000_000)
        )
        #expect(line(.trade(t)) == #"{"kind":"trade","sym":"BRK.B","t":1795444200016373671,"q":42,"i":42,"p":470.12,"s":37,"x":4,"z":1,"c":[12,37],"pt":1795444200016245807,"trfi":202,"trft":1795444200016000000}"# + "\n")
    }

    @Test("a plain lit trade omits c, trfi and trft; a quote carries every field")
    func plainLines() {
        let t = Trade(
            symbol: 3, timestamp: Timestamp(nanoseconds: 5), participantTimestamp: Timestamp(nanoseconds: 4), sequence: 1, id: 1,
            price: Price(units: 1_360_000), size: 100, exchange: 12, tape: .c, conditions: TradeConditions(), trfID: 0, trfTimestamp: nil
        )
        #expect(line(.trade(t)) == #"{"kind":"trade","sym":"BRK.B","t":5,"q":1,"i":1,"p":136,"s":100,"x":12,"z":3,"pt":4}"# + "\n")
        let q = Quote(symbol: 3, timestamp: Timestamp(nanoseconds: 9), sequence: 2, bidPrice: Price(units: 4_213), bidSize: 300,
                      bidExchange: 8, askPrice: Price(units: 4_214), askSize: 100, askExchange: 19, condition: 0, tape: .c)
        #expect(line(.quote(q)) == #"{"kind":"quote","sym":"BRK.B","t":9,"q":2,"bp":0.4213,"bs":300,"bx":8,"ap":0.4214,"as":100,"ax":19,"c":0,"z":3}"# + "\n")
    }

    @Test("a generated stream passes the analyzer's exact invariants")
    func analyzerInvariants() throws {
        let config = MarketConfiguration.standard(seed: 5, marketHours: .alwaysOpen)
        let market = Market(configuration: config)
        let ids = ["AAPL", "PNNY", "TESTSTOCK"].map { market.symbolID(for: $0)! }
        var encoder = NDJSONEncoder()
        for id in ids { encoder.register(id, ticker: market.ticker(of: id)) }
        let window = RFC3339.parse("2026-11-23T00:00:00-05:00")!..<RFC3339.parse("2026-11-23T00:03:00-05:00")!
        let analyzer = RealismAnalyzer()
        for e in market.events(for: ids, in: window) {
            var bytes: [UInt8] = []
            encoder.encode(e, into: &bytes)
            bytes.removeLast() // newline
            bytes.withUnsafeBufferPointer { analyzer.consume(line: $0) }
        }
        let r = analyzer.report()
        #expect(r.trades > 1000)
        #expect(r.bars > 300)
        #expect(r.tradesInsideShare == 1)
        #expect(r.barsEqualShare == 1)
        #expect(analyzer.malformedLines == 0)
    }

    @Test("the analyzer notices a trade outside the NBBO and a bar that does not match")
    func analyzerCatchesViolations() {
        let lines = [
            #"{"kind":"quote","sym":"X","t":1000000000,"q":1,"bp":10,"bs":100,"bx":8,"ap":10.02,"as":100,"ax":8,"c":0,"z":3}"#,
            #"{"kind":"trade","sym":"X","t":1000000001,"q":2,"i":2,"p":10.05,"s":100,"x":8,"z":3,"pt":1}"#,
            #"{"kind":"second_bar","sym":"X","s":1000000000,"e":2000000000,"o":10.05,"h":10.05,"l":10.05,"c":10.05,"v":200,"vw":10.05,"n":1,"z":200,"av":200,"op":10.05,"a":10.05}"#,
        ]
        let analyzer = RealismAnalyzer()
        for l in lines { Array(l.utf8).withUnsafeBufferPointer { analyzer.consume(line: $0) } }
        let r = analyzer.report()
        #expect(r.tradesInsideShare == 0)
        #expect(r.barsEqualShare == 0)
    }

    @Test("fixed-point parsing is exact")
    func fixedPoint() {
        func fixed(_ s: String, _ scale: Int) -> Int64 { Array(s.utf8).withUnsafeBufferPointer { FlatObjectScanner.fixed($0, scale: scale) } }
        #expect(fixed("230.15", 4) == 2_301_500)
        #expect(fixed("0.4213", 4) == 4_213)
        #expect(fixed("136", 4) == 1_360_000)
        #expect(fixed("-1.5", 6) == -1_500_000)
    }
}
