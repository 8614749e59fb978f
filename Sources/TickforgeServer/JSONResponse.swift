import Hummingbird
import NIOCore

extension Response {
    /// A JSON answer, as the control API and the vendors' REST routes give them (a newline ends
    /// the body, for people reading it with curl).
    static func json(_ status: Int, _ value: JSONValue) -> Response {
        Response(
            status: .init(code: status),
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: value.encoded() + "\n"))
        )
    }
}
