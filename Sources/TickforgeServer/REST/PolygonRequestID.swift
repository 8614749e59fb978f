import Synchronization
import TickforgeMarket

/// Polygon's `request_id`: 32 lowercase hex digits, different for every request.
enum PolygonRequestID {
    private static let counter = Atomic<UInt64>(0)

    static func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        let a = RandomKey(n).child(UInt64(1)).value, b = RandomKey(n).child(UInt64(2)).value
        func hex(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        return hex(a) + hex(b)
    }
}
