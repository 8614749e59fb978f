import Hummingbird
import TickforgeDialects

/// Polygon/Massive's error answers (notes §1.5): 400 and 401 as `{"status":"ERROR",…,"error"}`,
/// 404 as `{"status":"NOT_FOUND",…,"message"}`. The Python clients raise them as `BadResponse`
/// whose text is the body.
enum PolygonRESTError {
    static func badRequest(_ message: String) -> Response { PolygonRESTAuth.error(400, message) }

    static func notFound(_ message: String) -> Response {
        Response.json(404, .object(["status": "NOT_FOUND", "request_id": .string(PolygonRequestID.next()), "message": .string(message)]))
    }

    /// Closes a successful envelope: `"status":"OK"` and a request id.
    static func finishOK(_ body: inout JSONBody) {
        body.key("status"); body.string("OK")
        body.key("request_id"); body.string(PolygonRequestID.next())
    }
}
