/// The two encodings an Alpaca stream speaks, chosen per connection by the upgrade request's
/// `Content-Type` (notes §4): msgpack in binary frames for `application/msgpack` (every official
/// SDK), JSON in text frames otherwise (wscat, browsers).
public enum AlpacaCodec: Sendable, Equatable {
    case json
    case msgpack

    /// The codec a request's `Content-Type` header value asks for.
    public init(contentType: String?) {
        self = contentType?.lowercased().hasPrefix("application/msgpack") == true ? .msgpack : .json
    }
}
