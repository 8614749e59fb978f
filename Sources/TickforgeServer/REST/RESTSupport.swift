import Foundation
import Hummingbird
import NIOCore
import TickforgeDialects

extension Response {
    /// A JSON body written by hand (`JSONBody`): market data with exact prices and nanoseconds.
    static func json(_ status: Int, _ body: JSONBody) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
    }
}

/// Page tokens and cursors: a query string carried opaquely, as the vendors do. Polygon's
/// `cursor` is unpadded base64url; Alpaca's `page_token` is padded standard base64 (notes §1.3 and
/// §2.2). Either way the token alone says where the next page starts.
enum PageToken {
    static func encode(_ fields: [(String, String)], url: Bool) -> String {
        // Values are percent-encoded, so one holding `&` or `=` (a ticker list) reads back whole.
        let text = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: valueCharacters) ?? "")" }.joined(separator: "&")
        let b64 = Data(text.utf8).base64EncodedString()
        guard url else { return b64 }
        return String(b64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").prefix { $0 != "=" })
    }

    private static let valueCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~:+,"))

    /// The fields of a token, or `nil` if it is not one of ours.
    static func decode(_ token: String) -> [String: String]? {
        var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard token.count <= 4096, let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8) else { return nil }
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            guard let eq = pair.firstIndex(of: "=") else { return nil }
            guard let value = String(pair[pair.index(after: eq)...]).removingPercentEncoding else { return nil }
            out[String(pair[..<eq])] = value
        }
        return out
    }
}

extension Request {
    /// This server's origin as the client reached it (`http://host:port`), so a `next_url` leads
    /// back here: the Go and JS clients follow it as given.
    var origin: String {
        "http://" + (head.authority ?? "127.0.0.1")
    }

    /// A query parameter as a form decodes it (`+` is a space, then percent-escapes), as the
    /// vendors' servers read what the clients send; `nil` when absent. The first one counts.
    func query(_ name: String) -> String? {
        guard let raw = uri.query else { return nil }
        for pair in raw.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard formDecode(parts[0]) == name else { continue }
            return parts.count > 1 ? formDecode(parts[1]) : ""
        }
        return nil
    }

    private func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
