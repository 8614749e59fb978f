import TickforgeDialects
import TickforgeFeed

/// The dialects the server's hub encodes for, in one place: each one's `DialectID` is the
/// position of its encoder in `encoders`.
enum HubDialects {
    static let polygon = DialectID(0)
    static let alpacaJSON = DialectID(1)
    static let alpacaMsgPack = DialectID(2)
    /// `--record`'s NDJSON, present only when recording.
    static let recording = DialectID(3)

    static func alpaca(_ codec: AlpacaCodec) -> DialectID { codec == .json ? alpacaJSON : alpacaMsgPack }

    /// The encoders, each at its dialect's index.
    static func encoders(recording: Bool = false) -> [any DialectEncoder] {
        [PolygonEncoder(), AlpacaEncoder(codec: .json), AlpacaEncoder(codec: .msgpack)] + (recording ? [RecordingEncoder()] : [])
    }
}
