import Foundation
import Testing
import TickforgeClient
import TickforgeMarket
@testable import TickforgeServer

/// Polygon's market status and Alpaca's clock and calendar over HTTP, as of the market clock and
/// following forced sessions, with each vendor's key rules and error bodies.
@Suite("REST: market status, clock, calendar and assets", .serialized)
struct MarketStatusRESTTests: ControlSocketSuite {
    func get(_ server: RunningServer, _ path: String, headers: [(String, String)]) async throws -> (status: Int, json: Any?) {
        let port = server.port
        let r = try await offPool { try PlainHTTP.request(.init(host: "127.0.0.1", port: port), method: "GET", path: path, headers: headers) }
        return (r.status, try? JSONSerialization.jsonObject(with: Data(r.body.utf8)))
    }

    let polygonKey = [("Authorization", "Bearer k")]
    let alpacaKey = [("APCA-API-KEY-ID", "k"), ("APCA-API-SECRET-KEY", "s")]

    @Test("a Saturday by the calendar: closed, the next session Monday; forced open, both say open at once")
    func followsTheMarket() async throws {
        let server = try await RunningServer.start {
            $0.start = RFC3339.parse("2026-11-21T12:00:00-05:00")!
            $0.market.marketHours = .calendar
        }
        defer { Task { await server.stop() } }
        let status = try await get(server, "/v1/marketstatus/now", headers: polygonKey).json as? [String: Any]
        #expect(status?["market"] as? String == "closed" && status?["earlyHours"] as? Bool == false)
        #expect((status?["serverTime"] as? String)?.hasPrefix("2026-11-21T12:00") == true)
        #expect((status?["exchanges"] as? [String: String])?["nyse"] == "closed" && (status?["currencies"] as? [String: String])?["crypto"] == "open")
        let clock = try await get(server, "/v2/clock", headers: alpacaKey).json as? [String: Any]
        #expect(clock?["is_open"] as? Bool == false)
        #expect(clock?["next_open"] as? String == "2026-11-23T09:30:00-05:00" && clock?["next_close"] as? String == "2026-11-23T16:00:00-05:00")

        #expect(try await call(server, "POST", "/control/scenarios", #"{"kind":"session","phase":"open","for":"1h"}"#).status == 201)
        let open = try await get(server, "/v1/marketstatus/now", headers: polygonKey).json as? [String: Any]
        #expect(open?["market"] as? String == "open")
        let forced = try await get(server, "/v2/clock", headers: alpacaKey).json as? [String: Any]
        #expect(forced?["is_open"] as? Bool == true && (forced?["next_close"] as? String)?.hasPrefix("2026-11-21T13:00") == true)
    }

    @Test("the calendar: trading days as HH:MM and HHMM, the early close, T+1; the upcoming closures one per exchange; bad dates get 400")
    func calendar() async throws {
        let server = try await RunningServer.start { $0.start = RFC3339.parse("2026-11-20T12:00:00-05:00")!; $0.market.marketHours = .calendar }
        defer { Task { await server.stop() } }
        let days = try await get(server, "/v2/calendar?start=2026-11-25&end=2026-11-30", headers: alpacaKey).json as? [[String: String]] ?? []
        #expect(days.map { $0["date"] } == ["2026-11-25", "2026-11-27", "2026-11-30"])
        #expect(days[1] == ["date": "2026-11-27", "open": "09:30", "close": "13:00", "session_open": "0400", "session_close": "1700", "settlement_date": "2026-11-30"])
        let upcoming = try await get(server, "/v1/marketstatus/upcoming", headers: polygonKey).json as? [[String: String]] ?? []
        #expect(upcoming.prefix(4).map { "\($0["exchange"]!) \($0["date"]!) \($0["status"]!)" } == [
            "NYSE 2026-11-26 closed", "NASDAQ 2026-11-26 closed", "NYSE 2026-11-27 early-close", "NASDAQ 2026-11-27 early-close",
        ])
        #expect(upcoming[2]["close"] == "2026-11-27T18:00:00.000Z" && upcoming[0]["name"] == "Thanksgiving")
        let bad = try await get(server, "/v2/calendar?start=tomorrow", headers: alpacaKey)
        #expect(bad.status == 400 && (bad.json as? [String: Any])?["code"] as? Int == 40010000)
    }

    @Test("keys: Polygon's 401 bodies with no key or an unknown one, the key in a query accepted; Alpaca's 403 with its code")
    func keys() async throws {
        let server = try await RunningServer.start { $0.apiKeys = ["good"] }
        defer { Task { await server.stop() } }
        let none = try await get(server, "/v1/marketstatus/now", headers: [])
        #expect(none.status == 401 && (none.json as? [String: Any])?["error"] as? String == "API Key was not provided")
        let wrong = try await get(server, "/v1/marketstatus/now", headers: [("Authorization", "Bearer bad")])
        #expect(wrong.status == 401 && (wrong.json as? [String: Any])?["error"] as? String == "Unknown API Key")
        #expect(((wrong.json as? [String: Any])?["request_id"] as? String)?.count == 32)
        #expect(try await get(server, "/v1/marketstatus/now?apiKey=good", headers: []).status == 200)
        #expect(try await get(server, "/v1/marketstatus/now", headers: [("Authorization", "Bearer good")]).status == 200)
        let alpaca = try await get(server, "/v2/clock", headers: alpacaKey)
        #expect(alpaca.status == 403 && (alpaca.json as? [String: Any])?["code"] as? Int == 40310000)
        #expect(try await get(server, "/v2/clock", headers: [("APCA-API-KEY-ID", "good"), ("APCA-API-SECRET-KEY", "s")]).status == 200)
    }

    @Test("assets: the universe's symbols with a UUID that is the same every run and the exchange of their tape; others 404")
    func assets() async throws {
        let server = try await RunningServer.start(symbols: ["AAPL", "SPY"])
        defer { Task { await server.stop() } }
        let aapl = try await get(server, "/v2/assets/AAPL", headers: alpacaKey).json as? [String: Any]
        #expect(aapl?["symbol"] as? String == "AAPL" && aapl?["exchange"] as? String == "NASDAQ" && aapl?["class"] as? String == "us_equity")
        let id = try #require(aapl?["id"] as? String)
        #expect(UUID(uuidString: id) != nil && id == AlpacaAssetRoutes.uuid(seed: 9, ticker: "AAPL"))
        #expect(AlpacaAssetRoutes.uuid(seed: 9, ticker: "AAPL") != AlpacaAssetRoutes.uuid(seed: 10, ticker: "AAPL"))
        let missing = try await get(server, "/v2/assets/ZZZZ", headers: alpacaKey)
        #expect(missing.status == 404 && (missing.json as? [String: Any])?["message"] as? String == "asset not found for ZZZZ")
    }
}
