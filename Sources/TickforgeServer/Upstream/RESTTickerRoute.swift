import TickforgeMarket

/// Which vendor's market-data route a REST request is, and the tickers it asks about: what a
/// proxy needs to decide whether its own market answers or the upstream's REST API does.
///
/// Routes that name no ticker (market status, the clock, exchanges, the ticker list, grouped
/// daily bars, a snapshot of the whole market) are not ticker routes: the proxy's own market
/// answers them.
struct RESTTickerRoute: Equatable {
    enum Vendor: Equatable {
        case polygon
        case alpaca
    }

    var vendor: Vendor
    /// Normalized, in the order asked.
    var tickers: [String]

    /// - Parameters:
    ///   - path: the request's path, without its query.
    ///   - query: a query parameter's value by name.
    init?(path: String, query: (String) -> String?) {
        let parts = path.split(separator: "/").map(String.init)
        func list(_ name: String) -> [String]? {
            guard let value = query(name) else { return nil }
            let tickers = value.split(separator: ",").map { Universe.normalize(String($0)) }.filter { !$0.isEmpty }
            return tickers.isEmpty ? nil : tickers
        }
        func one(_ index: Int) -> [String]? {
            index < parts.count && !parts[index].isEmpty ? [Universe.normalize(parts[index].removingPercentEncoding)] : nil
        }
        let polygon: [String]?
        switch parts.first {
        case "v1":
            polygon = parts.count == 4 && parts[1] == "open-close" ? one(2) : nil
        case "v2" where parts.count >= 2 && ["aggs", "last", "snapshot"].contains(parts[1]):
            if parts.count >= 5, parts[1] == "aggs", parts[2] == "ticker" {
                polygon = one(3)
            } else if parts.count == 4, parts[1] == "last", ["trade", "nbbo"].contains(parts[2]) {
                polygon = one(3)
            } else if parts.starts(with: ["v2", "snapshot", "locale", "us", "markets", "stocks", "tickers"]) {
                polygon = parts.count == 8 ? one(7) : parts.count == 7 ? list("tickers") : nil
            } else {
                polygon = nil
            }
        case "v3":
            if parts.count == 3, ["trades", "quotes"].contains(parts[1]) {
                polygon = one(2)
            } else if parts.count == 4, parts[1] == "reference", parts[2] == "tickers" {
                polygon = one(3)
            } else if parts.count == 2, parts[1] == "snapshot" {
                polygon = list("ticker.any_of") ?? list("ticker")
            } else {
                polygon = nil
            }
        default:
            polygon = nil
        }
        if let polygon {
            self.init(vendor: .polygon, tickers: polygon)
            return
        }
        // Alpaca's market data: /v2/stocks/{bars|trades|quotes}[/latest] and /v2/stocks/snapshots
        // with `symbols`, or /v2/stocks/{symbol}/{bars|trades|quotes}[/latest] and …/snapshot.
        guard parts.count >= 3, parts[0] == "v2", parts[1] == "stocks" else { return nil }
        let kinds = ["bars", "trades", "quotes"]
        if kinds.contains(parts[2]) || parts[2] == "snapshots" {
            let shape = parts.count == 3 || (parts.count == 4 && parts[3] == "latest" && parts[2] != "snapshots")
            guard shape, let symbols = list("symbols") else { return nil }
            self.init(vendor: .alpaca, tickers: symbols)
            return
        }
        let single = (parts.count == 4 && (kinds.contains(parts[3]) || parts[3] == "snapshot"))
            || (parts.count == 5 && kinds.contains(parts[3]) && parts[4] == "latest")
        guard single, let symbol = one(2) else { return nil }
        self.init(vendor: .alpaca, tickers: symbol)
    }

    init(vendor: Vendor, tickers: [String]) {
        self.vendor = vendor
        self.tickers = tickers
    }
}

private extension String {
    /// `%2E` and the like decoded; the text as it is when it is not valid percent-encoding.
    var removingPercentEncoding: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "%"), let h = utf8.index(i, offsetBy: 2, limitedBy: utf8.endIndex), h < utf8.endIndex,
               let value = UInt8(String(self[index(after: i)...h]), radix: 16) {
                bytes.append(value)
                i = utf8.index(after: h)
            } else {
                bytes.append(b)
                i = utf8.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
