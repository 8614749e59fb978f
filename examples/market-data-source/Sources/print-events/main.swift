// Picks a market-data source from the environment and prints its events.
//
//   USE_SYNTHETIC_DATA=true  (the default)   the synthetic market, in this process
//   REPLAY_FILE=session.ndjson               a recording (`tickforge serve --record`)
//   USE_SYNTHETIC_DATA=false                 an upstream: MARKET_DATA_URL (default wss://socket.massive.com/stocks)
//                                            with MASSIVE_API_KEY, or an Alpaca URL (…/v2/iex) with
//                                            APCA_API_KEY_ID and APCA_API_SECRET_KEY
//
//   SYMBOLS=AAPL,MSFT  (default AAPL)   COUNT=20  (events to print, then stop)
import Foundation
import Logging
import TickforgeFeed
import TickforgeMarket
import TickforgeServer

let env = ProcessInfo.processInfo.environment
let logger = Logger(label: "print-events")

func pickSource() throws -> any MarketDataSource {
    if let file = env["REPLAY_FILE"] {
        return ReplaySource(settings: ReplaySettings(path: file, loop: false), speed: .max, logger: logger)
    }
    if env["USE_SYNTHETIC_DATA"]?.lowercased() == "false" {
        let url = env["MARKET_DATA_URL"] ?? "wss://socket.massive.com/stocks"
        if UpstreamSettings.isAlpacaURL(url) {
            guard let key = env["APCA_API_KEY_ID"], let secret = env["APCA_API_SECRET_KEY"] else {
                throw ExampleError("an Alpaca MARKET_DATA_URL needs APCA_API_KEY_ID and APCA_API_SECRET_KEY")
            }
            return UpstreamSource(settings: UpstreamSettings(url: url, key: key, dialect: .alpaca(secret: secret)), logger: logger)
        }
        guard let key = env["MASSIVE_API_KEY"] ?? env["POLYGON_API_KEY"] else {
            throw ExampleError("USE_SYNTHETIC_DATA=false needs MASSIVE_API_KEY (or POLYGON_API_KEY)")
        }
        return UpstreamSource(settings: UpstreamSettings(url: url, key: key), logger: logger)
    }
    return SyntheticSource(configuration: .standard(seed: 42))
}

struct ExampleError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let symbols = (env["SYMBOLS"] ?? "AAPL").split(separator: ",").map(String.init)
let count = Int(env["COUNT"] ?? "") ?? 20
let source = try pickSource()
print("source: \(type(of: source))")
try await source.start()
await source.subscribe(symbols.flatMap { [LiveTopic(kind: .trades, ticker: $0), LiveTopic(kind: .quotes, ticker: $0)] })
var printed = 0
for await e in source.events {
    switch e.event {
    case .trade(let t): print("\(t.timestamp)  T  \(e.ticker)  \(t.size) @ \(t.price)")
    case .quote(let q): print("\(q.timestamp)  Q  \(e.ticker)  \(q.bidSize) × \(q.bidPrice) / \(q.askPrice) × \(q.askSize)")
    default: continue
    }
    printed += 1
    if printed >= count { break }
}
await source.stop()
