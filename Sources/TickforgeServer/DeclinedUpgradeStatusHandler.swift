import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Gives a declined WebSocket upgrade the status the real services answer with: 404 for a path
/// they do not serve (clients tell "no such stream" from "bad request" by it; the Go SDK treats
/// any 4xx as fatal, the Python ones retry), or the 429 or 503 a `reject` fault asks for.
///
/// Hummingbird answers an upgrade its `shouldUpgrade` declines with `400` and an empty body. The
/// upgrader has consumed such a request's head by then, so this handler sees its end arrive
/// without a head: a 400 answering a headless request is exactly that answer, and only it is
/// rewritten.
final class DeclinedUpgradeStatusHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var sawHead = false
    private var answeringDeclinedUpgrade = false
    /// Where a `reject` fault left the status this channel's declined upgrade gets.
    private let rejections: RejectionGate
    /// The status the declined upgrade gets instead of 404 (a `reject` fault's).
    private var refusal: HTTPResponse.Status?

    init(rejections: RejectionGate) { self.rejections = rejections }

    func handlerAdded(context: ChannelHandlerContext) {
        refusal = rejections.takeOwed(by: context.channel).map { HTTPResponse.Status(code: $0) }
    }

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
            response.status = refusal ?? .notFound
            if refusal != nil { response.headerFields[.retryAfter] = "1" }
            refusal = nil
            context.write(wrapOutboundOut(.head(response)), promise: promise)
            return
        }
        context.write(data, promise: promise)
    }
}
