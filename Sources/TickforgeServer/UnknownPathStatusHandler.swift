import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Turns the bare 400 that a declined WebSocket upgrade gets into the 404 the real services send
/// for a path they do not serve (clients tell "no such stream" from "bad request" by it; the Go SDK
/// treats any 4xx as fatal, the Python ones retry).
///
/// Hummingbird answers an upgrade its `shouldUpgrade` declines with `400` and an empty body, and
/// our `shouldUpgrade` declines only paths no endpoint serves. The upgrader has consumed such a
/// request's head by then, so this handler sees its end arrive without a head: a 400 answering a
/// headless request is exactly that answer, and only it is rewritten.
final class UnknownPathStatusHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var sawHead = false
    private var answeringDeclinedUpgrade = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            sawHead = true
            answeringDeclinedUpgrade = false
        case .body:
            break
        case .end:
            answeringDeclinedUpgrade = !sawHead
            sawHead = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if answeringDeclinedUpgrade, case .head(var response) = unwrapOutboundIn(data), response.status == .badRequest {
            response.status = .notFound
            context.write(wrapOutboundOut(.head(response)), promise: promise)
            return
        }
        context.write(data, promise: promise)
    }
}
