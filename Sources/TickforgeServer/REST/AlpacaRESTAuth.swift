import HTTPTypes
import Hummingbird

/// Alpaca's key rule for its REST APIs: `APCA-API-KEY-ID` and `APCA-API-SECRET-KEY` (or an OAuth
/// `Authorization: Bearer`); with `--api-key` set, a key id outside it is refused with 403, as
/// the data API refuses bad keys.
struct AlpacaRESTAuth: Sendable {
    let apiKeys: Set<String>?

    static let keyHeader = HTTPField.Name("APCA-API-KEY-ID")!
    static let secretHeader = HTTPField.Name("APCA-API-SECRET-KEY")!

    func refusal(_ request: Request) -> Response? {
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let key = request.headers[Self.keyHeader]
        let hasCredentials = (key?.isEmpty == false && request.headers[Self.secretHeader]?.isEmpty == false) || bearer?.isEmpty == false
        guard hasCredentials else { return Self.error(403, 40310000, "forbidden.") }
        if let apiKeys, !apiKeys.contains(key ?? bearer ?? "") { return Self.error(403, 40310000, "forbidden.") }
        return nil
    }

    /// `{"code": …, "message": …}`: alpaca-py reads both keys of every error body.
    static func error(_ status: Int, _ code: Int, _ message: String) -> Response {
        Response.json(status, .object(["code": .number(Double(code)), "message": .string(message)]))
    }
}
