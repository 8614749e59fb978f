import Hummingbird
import NIOCore

/// The request context of every HTTP route: Hummingbird's core, plus the peer's address, which
/// the control API's access rule needs.
public struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies the routes read themselves are bounded at `ControlRoutes.maxBodyBytes`.
    public var maxUploadSize: Int { ControlRoutes.maxBodyBytes }
}

/// Who may use `/control`, and the JSON shape of every answer under it.
///
/// - Without a token, only loopback peers: any other peer gets 403.
/// - With a token, every request must carry `Authorization: Bearer <token>` (401 otherwise), from
///   wherever it comes: that is what makes the API safe to expose beyond loopback.
///
/// Errors under `/control` (unknown paths, bodies over the bound, a method a path does not take)
/// answer `{"error": "..."}` like the API's own.
struct ControlAccessMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path == "/control" || request.uri.path.hasPrefix("/control/") else {
            return try await next(request, context)
        }
        if let token {
            guard let header = request.headers[.authorization], Self.constantTimeEqual(header, "Bearer " + token) else {
                var response = ControlRoutes.respond(401, .object(["error": "this server's control API needs 'Authorization: Bearer <token>' with the token it was started with (--control-token, TICKFORGE_CONTROL_TOKEN)"]))
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            }
        } else if !Self.isLoopback(context.remoteAddress) {
            return ControlRoutes.respond(403, .object(["error": "the control API answers loopback peers only; start the server with --control-token T to reach it from elsewhere with 'Authorization: Bearer T'"]))
        }
        do {
            return try await next(request, context)
        } catch let error as ControlError {
            return ControlRoutes.respond(error.code, .object(["error": .string(error.message)]))
        } catch let error as any HTTPResponseError where error.status == .notFound {
            // A known path asked with a method it does not take: 405, with the methods it does.
            if let allowed = ControlRoutes.allowedMethods(request.uri.path) {
                var response = ControlRoutes.respond(405, .object(["error": .string("\(request.method) is not a method of \(request.uri.path): it takes \(allowed.joined(separator: ", "))")]))
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            return ControlRoutes.respond(404, .object(["error": .string("no such control endpoint: \(request.method) \(request.uri.path) (GET /control/openapi.json lists them)")]))
        } catch let error as any HTTPResponseError {
            // Hummingbird's own: no route (404), a body over the bound (NIOTooManyBytesError, 413).
            let message: String = switch error.status.code {
            case 404: "no such control endpoint: \(request.method) \(request.uri.path) (GET /control/openapi.json lists them)"
            case 405: "\(request.method) is not a method of \(request.uri.path) (GET /control/openapi.json lists them)"
            case 413: "the body is over \(ControlRoutes.maxBodyBytes) bytes, the most the control API reads"
            default: (error as? HTTPError)?.body ?? "\(error.status)"
            }
            return ControlRoutes.respond(error.status.code, .object(["error": .string(message)]))
        }
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return false }
        if case .unixDomainSocket = address { return true }
        let ip = address.ipAddress ?? ""
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// Compares without returning early, so the time taken does not tell how much of a guess was right.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}
