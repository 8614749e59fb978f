import Hummingbird
import NIOCore
import Testing
import TickforgeMarket
@testable import TickforgeServer

@Suite("A proxy's REST for upstream tickers: which requests go upstream, where, and what comes back changed")
struct UpstreamRESTTests {
    func route(_ url: String) -> RESTTickerRoute? {
        let parts = url.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        for pair in parts.dropFirst().first?.split(separator: "&") ?? [] {
            let kv = pair.split(separator: "=", maxSplits: 1)
            query[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
        }
        return RESTTickerRoute(path: String(parts[0]), query: { query[$0] })
    }

    @Test("Polygon's ticker routes name their ticker in the path, or several in a query parameter")
    func polygonRoutes() {
        #expect(route("/v2/aggs/ticker/aapl/range/1/minute/2026-11-23/2026-11-24") == .init(vendor: .polygon, tickers: ["AAPL"]))
        #expect(route("/v2/aggs/ticker/AAPL/prev") == .init(vendor: .polygon, tickers: ["AAPL"]))
        #expect(route("/v1/open-close/MSFT/2026-11-23") == .init(vendor: .polygon, tickers: ["MSFT"]))
        #expect(route("/v2/last/trade/NVDA") == .init(vendor: .polygon, tickers: ["NVDA"]))
        #expect(route("/v2/last/nbbo/NVDA") == .init(vendor: .polygon, tickers: ["NVDA"]))
        #expect(route("/v3/trades/BRK%2EB") == .init(vendor: .polygon, tickers: ["BRK.B"]))
        #expect(route("/v3/quotes/SPY?limit=5") == .init(vendor: .polygon, tickers: ["SPY"]))
        #expect(route("/v3/reference/tickers/SPY") == .init(vendor: .polygon, tickers: ["SPY"]))
        #expect(route("/v2/snapshot/locale/us/markets/stocks/tickers/SPY") == .init(vendor: .polygon, tickers: ["SPY"]))
        #expect(route("/v2/snapshot/locale/us/markets/stocks/tickers?tickers=SPY,aapl") == .init(vendor: .polygon, tickers: ["SPY", "AAPL"]))
        #expect(route("/v3/snapshot?ticker.any_of=SPY,QQQ") == .init(vendor: .polygon, tickers: ["SPY", "QQQ"]))
    }

    @Test("Alpaca's market data: one symbol in the path, or several in `symbols`")
    func alpacaRoutes() {
        #expect(route("/v2/stocks/AAPL/bars?timeframe=1Min") == .init(vendor: .alpaca, tickers: ["AAPL"]))
        #expect(route("/v2/stocks/AAPL/trades/latest") == .init(vendor: .alpaca, tickers: ["AAPL"]))
        #expect(route("/v2/stocks/AAPL/snapshot") == .init(vendor: .alpaca, tickers: ["AAPL"]))
        #expect(route("/v2/stocks/bars?symbols=AAPL,MSFT&timeframe=1Min") == .init(vendor: .alpaca, tickers: ["AAPL", "MSFT"]))
        #expect(route("/v2/stocks/quotes/latest?symbols=AAPL") == .init(vendor: .alpaca, tickers: ["AAPL"]))
        #expect(route("/v2/stocks/snapshots?symbols=AAPL") == .init(vendor: .alpaca, tickers: ["AAPL"]))
    }

    @Test("routes that name no ticker are the proxy's own")
    func notTickerRoutes() {
        for url in ["/v1/marketstatus/now", "/v2/clock", "/v3/reference/tickers", "/v3/reference/exchanges", "/v2/aggs/grouped/locale/us/market/stocks/2026-11-23",
                    "/v2/snapshot/locale/us/markets/stocks/tickers", "/v2/snapshot/locale/us/markets/stocks/gainers", "/v2/stocks/bars",
                    "/v2/assets/AAPL", "/health", "/control/scenarios", "/stocks"] {
            #expect(route(url) == nil, "\(url)")
        }
    }

    @Test("the REST API beside a stream: api. for Massive and Polygon, data. for Alpaca, the same host for another tickforge")
    func restBase() {
        #expect(UpstreamSettings.restBase(forStream: "wss://socket.massive.com/stocks") == "https://api.massive.com")
        #expect(UpstreamSettings.restBase(forStream: "wss://delayed.polygon.io/stocks") == "https://api.polygon.io")
        #expect(UpstreamSettings.restBase(forStream: "wss://stream.data.alpaca.markets/v2/sip") == "https://data.alpaca.markets")
        #expect(UpstreamSettings.restBase(forStream: "ws://127.0.0.1:8765/stocks") == "http://127.0.0.1:8765")
        #expect(UpstreamSettings(url: "ws://h:1/stocks", key: "k", restURL: "https://mirror.example/").restURL == "https://mirror.example")
    }

    @Test("the client's apiKey stays at the proxy; next_url leads back to the proxy")
    func rewrites() {
        let request = Request(head: .init(method: .get, scheme: "http", authority: "127.0.0.1:9000", path: "/v3/trades/AAPL?limit=5&apiKey=mine&order=asc"),
                              body: .init(buffer: ByteBuffer()))
        #expect(UpstreamRESTMiddleware.query(of: request, dropping: "apiKey") == "?limit=5&order=asc")
        #expect(UpstreamRESTMiddleware.query(of: request, dropping: nil) == "?limit=5&apiKey=mine&order=asc")
        let body = ByteBuffer(string: #"{"results":[],"next_url":"https://api.massive.com/v3/trades/AAPL?cursor=abc"}"#)
        #expect(String(buffer: UpstreamRESTMiddleware.pointingNextURLs(in: body, from: "https://api.massive.com", to: "http://127.0.0.1:9000"))
            == #"{"results":[],"next_url":"http://127.0.0.1:9000/v3/trades/AAPL?cursor=abc"}"#)
    }
}
