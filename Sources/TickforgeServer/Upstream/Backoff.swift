/// How long to wait before reconnecting to an upstream: doubling from `initial` up to `maximum`,
/// each wait drawn between half and all of its step (jitter), so that proxies that lost the same
/// upstream at once do not all come back in the same instant.
struct Backoff {
    var initial: Duration = .milliseconds(250)
    var maximum: Duration = .seconds(30)
    private var step: Duration?

    /// The next wait; each call doubles the step.
    mutating func next<R: RandomNumberGenerator>(using random: inout R) -> Duration {
        let current = step.map { min($0 * 2, maximum) } ?? initial
        step = current
        let nanos = current.components.seconds * 1_000_000_000 + current.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: nanos / 2...max(nanos / 2, nanos), using: &random))
    }

    mutating func next() -> Duration {
        var random = SystemRandomNumberGenerator()
        return next(using: &random)
    }

    /// A connection that stayed up starts the doubling again.
    mutating func reset() { step = nil }
}
