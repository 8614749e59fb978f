import Hummingbird
import NIOCore

/// The control API's routes under `/control`, described by `ControlOpenAPI.document`.
enum ControlRoutes {
    /// Largest request body: a script of thousands of steps fits well within it.
    static let maxBodyBytes = 1 << 20

    /// Each path and the methods it takes (what a 405's `Allow` lists).
    static let methods: [(path: String, methods: [String])] = [
        ("/control/openapi.json", ["GET"]), ("/control/scenarios", ["GET", "POST"]), ("/control/scenarios/*", ["DELETE"]),
        ("/control/reset", ["POST"]), ("/control/timeline", ["GET"]), ("/control/scripts", ["POST"]),
        ("/control/state", ["GET"]), ("/control/clock", ["POST"]), ("/control/connections", ["GET"]),
        ("/control/faults", ["GET", "POST"]), ("/control/faults/*", ["DELETE"]), ("/control/journal", ["GET", "DELETE"]),
    ]

    /// The methods a path takes, or `nil` if no route has it.
    static func allowedMethods(_ path: String) -> [String]? {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        for (pattern, methods) in Self.methods {
            if pattern.hasSuffix("/*") {
                let prefix = pattern.dropLast()
                if trimmed.hasPrefix(prefix), trimmed.count > prefix.count, !trimmed.dropFirst(prefix.count).contains("/") { return methods }
            } else if trimmed == pattern {
                return methods
            }
        }
        return nil
    }

    static func register(on router: Router<ServerRequestContext>, plane: ControlPlane) {
        let control = router.group("/control")
        control.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: ControlOpenAPI.document)))
        }
        control.post("scenarios") { request, _ in
            let body = try await json(request)
            let (status, answer) = try await plane.add(body)
            return respond(status, answer)
        }
        control.get("scenarios") { _, _ in respond(200, await plane.list()) }
        control.delete("scenarios/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            return respond(200, try await plane.end(id))
        }
        control.post("reset") { _, _ in respond(200, try await plane.reset()) }
        control.get("timeline") { _, _ in respond(200, await plane.script()) }
        control.post("scripts") { request, _ in
            let bytes = try await body(request)
            let script = try ScenarioScript.parse(bytes, contentType: request.headers[.contentType])
            return respond(200, try await plane.load(script: script))
        }
        control.get("state") { _, _ in respond(200, await plane.state()) }
        control.get("connections") { _, _ in respond(200, await plane.connections()) }
        control.post("faults") { request, _ in respond(201, try await plane.addFault(try await json(request))) }
        control.get("faults") { _, _ in respond(200, await plane.listFaults()) }
        control.delete("faults/:id") { _, context in
            respond(200, try await plane.endFault(context.parameters.get("id") ?? ""))
        }
        control.get("journal") { request, _ in
            let query = try JournalJSON.query(request.uri.queryParameters.map { (String($0.key), String($0.value)) })
            return respond(200, await plane.journal(query))
        }
        control.delete("journal") { _, _ in respond(200, await plane.clearJournal()) }
        control.post("clock") { request, _ in
            let body = try await json(request)
            return respond(200, try await plane.clock(body))
        }
    }

    static func respond(_ status: Int, _ value: JSONValue) -> Response { Response.json(status, value) }

    private static func body(_ request: Request) async throws -> [UInt8] {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        return Array(buffer.readableBytesView)
    }

    private static func json(_ request: Request) async throws -> JSONValue {
        try JSONValue.parse(try await body(request))
    }
}

extension ControlError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: code) }
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        ControlRoutes.respond(code, .object(["error": .string(message)]))
    }
}
