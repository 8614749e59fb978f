import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import TickforgeMarket

/// A proxy's REST for upstream tickers: a market-data request whose tickers are all upstream ones
/// goes to the upstream's own REST API with the upstream's key, and its answer comes back as it
/// was (Polygon's `next_url` pointing at the proxy again, so the next page comes through it too).
/// Requests for synthetic tickers, and routes that name no ticker, fall through to the proxy's own
/// routes.
///
/// Clients authenticate to the proxy with its own rules first, as on its stream; the upstream key
/// never reaches them. A request mixing synthetic and upstream tickers, or asking in the other
/// vendor's words than the upstream speaks, is refused in the vendor's own error shape, saying
/// what to ask instead.
struct UpstreamRESTMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let settings: UpstreamSettings
    /// The proxy's synthetic tickers: those never go upstream.
    let synthetic: Universe
    let polygonAuth: PolygonRESTAuth
    let alpacaAuth: AlpacaRESTAuth
    let logger: Logger

    /// Bounds what one upstream answer may hold and how long it may take.
    static let maxResponseBytes = 64 << 20
    static let timeout: TimeAmount = .seconds(30)

    /// One client for the process, like `HTTPClient.shared`, but giving up on an upstream it
    /// cannot connect to within 5 s: the shared one keeps retrying for 90 s, longer than the
    /// official clients wait for an answer (massive: 10 s), so they would see a timeout instead of
    /// the 502 that says why.
    static let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(
        certificateVerification: .fullVerification, redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: timeout)
    ))

    private var upstreamVendor: RESTTickerRoute.Vendor {
        if case .alpaca = settings.dialect { return .alpaca }
        return .polygon
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get,
              let route = RESTTickerRoute(path: request.uri.path, query: { request.query($0) }) else {
            return try await next(request, context)
        }
        let upstream = route.tickers.filter { !synthetic.contains($0) }
        guard !upstream.isEmpty else { return try await next(request, context) }
        if let refusal = route.vendor == .polygon ? polygonAuth.refusal(request) : alpacaAuth.refusal(request) { return refusal }
        let local = route.tickers.filter { synthetic.contains($0) }
        guard local.isEmpty else {
            return error(route.vendor, 400, "\(local.joined(separator: ",")) come\(local.count == 1 ? "s" : "") from this proxy's synthetic market and \(upstream.joined(separator: ",")) from its upstream: ask for them in separate requests")
        }
        guard route.vendor == upstreamVendor else {
            let words = upstreamVendor == .polygon ? "Polygon upstream, whose REST API has Polygon's routes only (/v2/aggs/ticker/…, /v3/trades/…)"
                : "Alpaca upstream, whose REST API has Alpaca's routes only (/v2/stocks/…)"
            return error(route.vendor, 400, "\(upstream.joined(separator: ",")) come\(upstream.count == 1 ? "s" : "") from this proxy's \(words): ask this proxy in those words")
        }
        return await forward(request, vendor: route.vendor)
    }

    private func forward(_ request: Request, vendor: RESTTickerRoute.Vendor) async -> Response {
        var outgoing = HTTPClientRequest(url: settings.restURL + request.uri.path + Self.query(of: request, dropping: vendor == .polygon ? "apiKey" : nil))
        outgoing.method = .GET
        switch settings.dialect {
        case .polygon:
            outgoing.headers.add(name: "Authorization", value: "Bearer \(settings.key)")
        case .alpaca(let secret):
            outgoing.headers.add(name: "APCA-API-KEY-ID", value: settings.key)
            outgoing.headers.add(name: "APCA-API-SECRET-KEY", value: secret)
        }
        outgoing.headers.add(name: "Accept", value: "application/json")
        do {
            let answer = try await Self.client.execute(outgoing, timeout: Self.timeout)
            var body = try await answer.body.collect(upTo: Self.maxResponseBytes)
            if vendor == .polygon { body = Self.pointingNextURLs(in: body, from: settings.restURL, to: request.origin) }
            var headers = HTTPFields()
            headers[.contentType] = answer.headers.first(name: "content-type") ?? "application/json"
            return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: body))
        } catch {
            logger.warning("upstream REST request failed", metadata: ["url": "\(settings.restURL)\(request.uri.path)", "error": "\(error)"])
            return self.error(vendor, 502, "the upstream's REST API (\(settings.restURL)) did not answer: \(error); try again, or check --upstream-rest")
        }
    }

    private func error(_ vendor: RESTTickerRoute.Vendor, _ status: Int, _ message: String) -> Response {
        switch vendor {
        case .polygon: PolygonRESTAuth.error(status, message)
        case .alpaca: AlpacaRESTAuth.error(status, status == 400 ? 40_010_001 : status * 100_000, message)
        }
    }

    /// The request's query as sent, less one parameter (Polygon's `apiKey`: the client's key for
    /// the proxy, not for the upstream).
    static func query(of request: Request, dropping name: String?) -> String {
        guard let query = request.uri.query, !query.isEmpty else { return "" }
        let kept = query.split(separator: "&").filter { pair in name.map { !pair.hasPrefix($0 + "=") && pair != Substring($0) } ?? true }
        return kept.isEmpty ? "" : "?" + kept.joined(separator: "&")
    }

    /// Polygon's paged answers name their next page by a full URL on the upstream's host; the
    /// client follows it, so it must lead back to the proxy.
    static func pointingNextURLs(in body: ByteBuffer, from upstream: String, to proxy: String) -> ByteBuffer {
        let text = String(buffer: body)
        let needle = "\"next_url\":\"" + upstream
        guard text.contains(needle) else { return body }
        return ByteBuffer(string: text.replacingOccurrences(of: needle, with: "\"next_url\":\"" + proxy))
    }
}
