import Hummingbird

/// Polygon's REST key rule: `Authorization: Bearer <key>` (the Python and Go clients) or an
/// `apiKey` query parameter (the JS client); with `--api-key` set, any other key is refused with
/// the vendor's 401.
struct PolygonRESTAuth: Sendable {
    /// Accepted keys; `nil` accepts any key (but a key must be sent, as on the real service).
    let apiKeys: Set<String>?

    /// The vendor's error answer, or `nil` when the request may go on.
    func refusal(_ request: Request) -> Response? {
        var key: String?
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") { key = String(header.dropFirst(7)) }
        if key == nil || key == "" { key = request.uri.queryParameters["apiKey"].map(String.init) }
        guard let key, !key.isEmpty else { return Self.error(401, "API Key was not provided") }
        if let apiKeys, !apiKeys.contains(key) { return Self.error(401, "Unknown API Key") }
        return nil
    }

    /// `{"status":"ERROR","request_id":…,"error":…}`, the body the Python clients surface whole.
    static func error(_ status: Int, _ message: String) -> Response {
        Response.json(status, .object(["status": "ERROR", "request_id": .string(PolygonRequestID.next()), "error": .string(message)]))
    }
}
