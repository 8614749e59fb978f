import Hummingbird
import NIOCore
import Synchronization
import TickforgeMarket

/// What the vendor REST routes share: JSON answers, and Polygon's request ids.
enum RESTResponse {
    static func json(_ status: Int, _ value: JSONValue) -> Response {
        Response(
            status: .init(code: status),
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: value.encoded()))
        )
    }

    private static let counter = Atomic<UInt64>(0)

    /// 32 lowercase hex digits, as Polygon's `request_id`: different for every request.
    static func requestID() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        let a = RandomKey(n).child(UInt64(1)).value, b = RandomKey(n).child(UInt64(2)).value
        func hex(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        return hex(a) + hex(b)
    }
}
