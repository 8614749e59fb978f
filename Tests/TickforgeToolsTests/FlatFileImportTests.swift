import Foundation
import Testing
import TickforgeMarket
@testable import TickforgeTools

@Suite("Polygon flat files into a recording: columns by name, quoted lists, time order, a ticker filter")
struct FlatFileImportTests {
    let trades = """
    ticker,conditions,correction,exchange,id,participant_timestamp,price,sequence_number,sip_timestamp,size,tape,trf_id,trf_timestamp
    A,"12,37",0,11,52983525035312,1712306654208705342,142.99,3807,1712306654208740096,5,1,0,0
    A,12,0,11,52983525035314,1712306654429439337,143,3809,1712306654429468160,187,1,0,0
    AAPL,,0,4,71675,1712306654100000000,169.5,100,1712306654100100000,100,3,202,1712306654100050000
    AAPL,,0,4,71676,0,169.5,101,,100,3,0,0

    """
    // The same columns in another order, and CRLF line ends.
    let quotes = "bid_price,ticker,sip_timestamp,ask_price,bid_size,ask_size,tape\r\n169.49,AAPL,1712306654200100000,169.51,200,300,3\r\n"

    func importer(_ files: [String], tickers: Set<String>? = nil) throws -> FlatFileImporter {
        var importer = FlatFileImporter(tickers: tickers)
        for text in files {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("flat-\(UUID().uuidString).csv").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            try importer.read(lines: LineReader.open(path: path), name: path)
        }
        return importer
    }

    @Test("trades and quotes merge in time order, with exact prices, quoted condition lists and TRF fields")
    func merge() throws {
        var i = try importer([trades, quotes])
        let events = i.sortedEvents()
        #expect(events.map(\.timestamp.nanoseconds) == events.map(\.timestamp.nanoseconds).sorted())
        #expect(events.count == 4)
        #expect(i.skippedRows == 1, "a row without its SIP timestamp")
        guard case .trade(let aapl) = events[0], case .quote(let q) = events[1], case .trade(let a) = events[2] else {
            Issue.record("unexpected order: \(events)"); return
        }
        #expect(i.tickerNames[Int(aapl.symbol)] == "AAPL" && aapl.trfID == 202 && aapl.trfTimestamp?.nanoseconds == 1_712_306_654_100_050_000)
        #expect(q.bidPrice == Price(units: 1_694_900) && q.askSize == 300 && q.tape == .c)
        #expect(a.price == Price(units: 1_429_900) && Array(a.conditions) == [12, 37] && a.trfTimestamp == nil)
    }

    @Test("a ticker filter keeps only those tickers, and does not count the others as skipped")
    func filter() throws {
        let i = try importer([trades], tickers: ["A"])
        #expect(i.events.count == 2 && i.skippedRows == 0)
    }

    @Test("a file that is not a flat file is refused with its name")
    func refused() {
        #expect(throws: FlatFileImporter.ImportError.self) { try importer(["a,b,c\n1,2,3\n"]) }
    }

    @Test("CSV fields: quoted commas, empty fields, a trailing empty field")
    func split() {
        let line = Array(#"A,"12,37",,x,"#.utf8)
        let fields = line.withUnsafeBufferPointer { FlatFileImporter.split($0).map { String(decoding: $0, as: UTF8.self) } }
        #expect(fields == ["A", "12,37", "", "x", ""])
    }
}
