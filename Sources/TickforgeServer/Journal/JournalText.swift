import TickforgeDialects

/// How a client's frame is written in the journal: text as text, msgpack as JSON, and Alpaca's
/// `secret` never, so the journal can be shared (the key id stays: it is who connected).
enum JournalText {
    static let secretShown = "***"

    static func render(_ frame: [UInt8], binary: Bool) -> String {
        if binary {
            guard let value = try? MsgPackReader.decode(frame) else {
                return "(\(frame.count) bytes that are not msgpack)"
            }
            return value.redacting("secret", with: secretShown).jsonText
        }
        let text = String(decoding: frame, as: UTF8.self)
        // Only a frame that names a secret is decoded and written again.
        guard text.contains("secret"), let value = JSONWireDecoder.decode(frame) else { return text }
        return value.redacting("secret", with: secretShown).jsonText
    }
}
