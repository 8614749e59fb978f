import Foundation
import Testing
@testable import TickforgeDialects
import TickforgeMarket

/// REST bodies are written by hand: they must be valid JSON, with integers where the Go clients
/// decode integers, exact prices, and the vendors' keys.
@Suite("REST rows: JSON written front to back in each vendor's words")
struct RESTRowsTests {
    static let trade = Trade(
        symbol: 0, timestamp: Timestamp(nanoseconds: 1_795_534_321_968_885_057), participantTimestamp: Timestamp(nanoseconds: 1_795_534_321_968_580_314),
        sequence: 125_516_946_342_086, id: 125_516_946_342_086, price: Price(units: 2_284_000), size: 300, exchange: 4, tape: .c,
        conditions: TradeConditions(), trfID: 202, trfTimestamp: Timestamp(nanoseconds: 1_795_534_321_967_631_241))

    func parse(_ body: JSONBody) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body.bytes), options: [.fragmentsAllowed])
    }

    @Test("the writer places commas itself, through nested objects and arrays")
    func commas() throws {
        var b = JSONBody()
        b.beginObject()
        b.key("a"); b.beginArray(); b.int(1); b.beginObject(); b.key("x"); b.null(); b.endObject(); b.string("q\"uote"); b.endArray()
        b.key("b"); b.beginObject(); b.endObject()
        b.key("AAPL"); b.price(Price(units: 1_234_500))
        b.key("d"); b.number(.nan, decimals: 4)
        b.endObject()
        #expect(String(decoding: b.bytes, as: UTF8.self) == #"{"a":[1,{"x":null},"q\"uote"],"b":{},"AAPL":123.45,"d":0}"#)
        #expect(try parse(b) is [String: Any])
    }

    @Test("a Polygon last trade: nanosecond stamps and the sequence as whole integers, the id as a string")
    func polygonTrade() throws {
        var b = JSONBody()
        PolygonRESTRows.lastTrade(Self.trade, ticker: "AAPL", into: &b)
        let text = String(decoding: b.bytes, as: UTF8.self)
        #expect(text.contains(#""t":1795534321968885057"#) && text.contains(#""i":"125516946342086""#) && text.contains(#""p":228.4"#))
        #expect(text.contains(#""r":202"#) && text.contains(#""f":1795534321967631241"#) && text.contains(#""ds":"300.0""#))
        #expect(!text.contains("e+") && !text.contains(".0,\"x\""))
        #expect(try parse(b) is [String: Any])
    }

    @Test("an Alpaca trade: letters for the exchange, tape and conditions, an RFC 3339 stamp")
    func alpacaTrade() throws {
        var b = JSONBody()
        AlpacaRESTRows.trade(Self.trade, into: &b)
        #expect(String(decoding: b.bytes, as: UTF8.self)
            == #"{"t":"2026-11-24T15:32:01.968885057Z","x":"D","p":228.4,"s":300,"c":["@"],"i":125516946342086,"z":"C"}"#)
    }
}
