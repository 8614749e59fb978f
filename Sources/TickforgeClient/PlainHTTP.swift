#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking HTTP/1.1 client over a plain socket, enough for the server's `/stats`, `/health` and
/// control API, without pulling an HTTP client (and libcurl) into the binary. One request per
/// connection (`Connection: close`); plain `http://` only.
public enum PlainHTTP {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// The server could not be reached at all (nothing listening, unknown host).
        public var unreachable = false
    }

    public struct Response: Sendable {
        public var status: Int
        public var body: String
    }

    /// Where requests go: `http://host[:port][/prefix]`.
    public struct Endpoint: Sendable, CustomStringConvertible {
        public var host: String
        public var port: Int
        /// A path prefix, without a trailing slash ("" for none).
        public var prefix: String

        public init(host: String, port: Int, prefix: String = "") {
            self.host = host
            self.port = port
            self.prefix = prefix
        }

        /// Parses `http://127.0.0.1:8765`, `http://localhost:8765/`, `127.0.0.1:8765`.
        public init(url text: String) throws(Failure) {
            var rest = Substring(text)
            if rest.hasPrefix("https://") {
                throw Failure(description: "\(text): this client speaks plain http:// (Tickforge serves no TLS); use http://")
            }
            if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            let authority = rest[..<slash]
            var prefix = String(rest[slash...])
            while prefix.hasSuffix("/") { prefix.removeLast() }
            var host = String(authority)
            var port = 80
            if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
                guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                    throw Failure(description: "\(text): not a URL with a valid port, e.g. http://127.0.0.1:8765")
                }
                port = p
                host = String(authority[..<colon])
            }
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw Failure(description: "\(text): no host, e.g. http://127.0.0.1:8765") }
            self.init(host: host, port: port, prefix: prefix)
        }

        public var description: String {
            "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(prefix)"
        }
    }

    /// The response body of `GET path` on 127.0.0.1.
    public static func get(port: Int, path: String) throws -> String {
        let response = try request(Endpoint(host: "127.0.0.1", port: port), method: "GET", path: path)
        return response.body
    }

    /// Sends one request and reads the whole response.
    public static func request(
        _ endpoint: Endpoint, method: String, path: String,
        headers: [(String, String)] = [], body: [UInt8] = [], timeoutSeconds: Int = 30
    ) throws(Failure) -> Response {
        let fd = try connect(endpoint, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }
        var head = "\(method) \(endpoint.prefix)\(path) HTTP/1.1\r\nHost: \(endpoint.host):\(endpoint.port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { head += "Content-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "the connection to \(endpoint) broke while sending") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw Failure(description: "no answer from \(endpoint) within \(timeoutSeconds) s") }
            if n == 0 { break }
            response += buffer[0..<n]
        }
        return try parse(response, from: endpoint)
    }

    private static func connect(_ endpoint: Endpoint, timeoutSeconds: Int) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list) == 0, let first = list else {
            throw Failure(description: "cannot resolve host '\(endpoint.host)'", unreachable: true)
        }
        defer { freeaddrinfo(list) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if systemConnect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            candidate = info.pointee.ai_next
        }
        throw Failure(description: "nothing is listening at \(endpoint)", unreachable: true)
    }

    private static func parse(_ response: [UInt8], from endpoint: Endpoint) throws(Failure) -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let split = response.indices.dropLast(3).first(where: { response[$0] == 13 && Array(response[$0..<$0 + 4]) == separator }) else {
            throw Failure(description: "\(endpoint) sent no complete HTTP response")
        }
        let head = String(decoding: response[..<split], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "\(endpoint) answered something other than HTTP")
        }
        var body = Array(response[(split + 4)...])
        let chunked = lines.dropFirst().contains { $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked") }
        if chunked { body = dechunk(body) }
        return Response(status: status, body: String(decoding: body, as: UTF8.self))
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = bytes[i...].indices.dropLast().first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: " "), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { break }
            out += bytes[start..<start + size]
            i = start + size + 2
        }
        return out
    }
}

#if canImport(Glibc)
private let systemConnect = Glibc.connect
#else
private let systemConnect = Darwin.connect
#endif

private extension Substring {
    func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return s
    }
}
