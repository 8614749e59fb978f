import Testing
@testable import TickforgeDialects

@Suite("Alpaca session: the handshake, errors and subscription rules of the protocol notes §8.2")
struct AlpacaSessionTests {
    func text(_ actions: [AlpacaSession.Action]) -> [String] {
        actions.compactMap { if case .send(let f) = $0 { String(decoding: f, as: UTF8.self) } else { nil } }
    }

    func send(_ s: inout AlpacaSession, _ json: String) -> [AlpacaSession.Action] { s.receive(frame: Array(json.utf8), binary: false) }

    /// A session that has authenticated with key `k`.
    func authenticated(_ feed: AlpacaSession.Feed = .sip, _ configuration: AlpacaSession.Configuration = .init()) -> AlpacaSession {
        var s = AlpacaSession(feed: feed, codec: .json, configuration: configuration)
        _ = send(&s, #"{"action":"auth","key":"k","secret":"s"}"#)
        _ = s.authenticationAccepted()
        return s
    }

    static let emptyAck = #"[{"T":"subscription","trades":[],"quotes":[],"bars":[],"updatedBars":[],"dailyBars":[],"statuses":[],"lulds":[],"corrections":[],"cancelErrors":[]}]"#

    @Test("connected, then auth in two phases: good credentials ask the server, which accepts")
    func handshake() {
        var s = AlpacaSession(feed: .iex, codec: .json)
        #expect(String(decoding: s.connectedFrame, as: UTF8.self) == #"[{"T":"success","msg":"connected"}]"#)
        #expect(send(&s, #"{"action":"auth","key":"k","secret":"s"}"#) == [.authenticate(key: "k")])
        #expect(text(s.authenticationAccepted()) == [#"[{"T":"success","msg":"authenticated"}]"#])
        #expect(s.state == .authenticated(key: "k"))
    }

    @Test("errors carry Alpaca's exact codes and texts")
    func errorTexts() {
        let expected: [AlpacaControl.Failure: String] = [
            .invalidSyntax: #"[{"T":"error","code":400,"msg":"invalid syntax"}]"#,
            .notAuthenticated: #"[{"T":"error","code":401,"msg":"not authenticated"}]"#,
            .authFailed: #"[{"T":"error","code":402,"msg":"auth failed"}]"#,
            .alreadyAuthenticated: #"[{"T":"error","code":403,"msg":"already authenticated"}]"#,
            .authTimeout: #"[{"T":"error","code":404,"msg":"auth timeout"}]"#,
            .symbolLimitExceeded: #"[{"T":"error","code":405,"msg":"symbol limit exceeded"}]"#,
            .connectionLimitExceeded: #"[{"T":"error","code":406,"msg":"connection limit exceeded"}]"#,
            .slowClient: #"[{"T":"error","code":407,"msg":"slow client"}]"#,
            .insufficientSubscription: #"[{"T":"error","code":409,"msg":"insufficient subscription"}]"#,
            .invalidSubscribeAction: #"[{"T":"error","code":410,"msg":"invalid subscribe action for this feed"}]"#,
        ]
        for failure in AlpacaControl.Failure.allCases {
            #expect(String(decoding: AlpacaControl.error(failure, codec: .json), as: UTF8.self) == expected[failure])
        }
    }

    @Test("401 before auth, 402 for a key that is not accepted, 403 for a second auth, 409 off-plan")
    func authErrors() {
        var s = AlpacaSession(feed: .sip, codec: .json, configuration: .init(apiKeys: ["good"]))
        #expect(text(send(&s, #"{"action":"subscribe","trades":["AAPL"]}"#)) == [#"[{"T":"error","code":401,"msg":"not authenticated"}]"#])
        #expect(text(send(&s, #"{"action":"auth","key":"bad","secret":"s"}"#)) == [#"[{"T":"error","code":402,"msg":"auth failed"}]"#])
        #expect(s.state == .awaitingAuth, "a failed auth leaves the socket open for another try")
        #expect(send(&s, #"{"action":"auth","key":"good","secret":"s"}"#) == [.authenticate(key: "good")])
        _ = s.authenticationAccepted()
        #expect(text(send(&s, #"{"action":"auth","key":"good","secret":"s"}"#)) == [#"[{"T":"error","code":403,"msg":"already authenticated"}]"#])

        var offPlan = AlpacaSession(feed: .sip, codec: .json, configuration: .init(entitledFeeds: [.iex]))
        #expect(text(send(&offPlan, #"{"action":"auth","key":"k","secret":"s"}"#)) == [#"[{"T":"error","code":409,"msg":"insufficient subscription"}]"#])
    }

    @Test("good credentials the server refuses (an auth-fail fault) get 402 as a wrong key does, and the socket stays open for another try")
    func refusedCredentials() {
        var s = AlpacaSession(feed: .iex, codec: .json)
        #expect(send(&s, #"{"action":"auth","key":"k","secret":"s"}"#) == [.authenticate(key: "k")])
        let r = s.authenticationRefused("fault f1")
        #expect(text(r) == [#"[{"T":"error","code":402,"msg":"auth failed"}]"#])
        #expect(r.contains(.refused("fault f1", code: 402)))
        #expect(s.state == .awaitingAuth)
        #expect(send(&s, #"{"action":"auth","key":"k","secret":"s"}"#) == [.authenticate(key: "k")])
    }

    @Test("406 keeps the socket open, and a later auth on it may succeed (the Go SDK retries so)")
    func connectionLimit() {
        var s = AlpacaSession(feed: .iex, codec: .json)
        _ = send(&s, #"{"action":"auth","key":"k","secret":"s"}"#)
        #expect(text(s.connectionLimitExceeded()) == [#"[{"T":"error","code":406,"msg":"connection limit exceeded"}]"#])
        #expect(s.state == .awaitingAuth)
        #expect(send(&s, #"{"action":"auth","key":"k","secret":"s"}"#) == [.authenticate(key: "k")])
        _ = s.authenticationAccepted()
        #expect(s.state == .authenticated(key: "k"))
    }

    @Test("header credentials authenticate like the auth message")
    func headerAuth() {
        var s = AlpacaSession(feed: .iex, codec: .json, configuration: .init(apiKeys: ["k"]))
        #expect(s.headerCredentials(key: "k", secret: "s") == [.authenticate(key: "k")])
        var bad = AlpacaSession(feed: .iex, codec: .json, configuration: .init(apiKeys: ["k"]))
        #expect(text(bad.headerCredentials(key: "x", secret: "s")) == [#"[{"T":"error","code":402,"msg":"auth failed"}]"#])
    }

    @Test("the ack lists every channel in order, [] when empty, corrections and cancelErrors mirroring trades; it precedes the data")
    func subscriptionAck() {
        var s = authenticated()
        let r = send(&s, #"{"trades":["AAPL"],"quotes":["AMD","CLDR"],"bars":["*"],"dailyBars":["VOO"],"statuses":["*"],"action":"subscribe"}"#)
        #expect(text(r) == [#"[{"T":"subscription","trades":["AAPL"],"quotes":["AMD","CLDR"],"bars":["*"],"updatedBars":[],"dailyBars":["VOO"],"statuses":["*"],"lulds":[],"corrections":["AAPL"],"cancelErrors":["AAPL"]}]"#])
        guard case .send = r.first, case .subscribe(let topics) = r.last else {
            Issue.record("expected the ack, then the subscription")
            return
        }
        // JSON objects are unordered; the topics are the set asked for.
        #expect(Set(topics.map(\.description)) == ["trades:AAPL", "quotes:AMD", "quotes:CLDR", "bars:*", "dailyBars:VOO", "statuses:*"])
    }

    @Test("subscriptions add up, repeats add nothing, nil and [] mean nothing, unknown keys are ignored")
    func additive() {
        var s = authenticated()
        _ = send(&s, #"{"action":"subscribe","trades":["AAPL"]}"#)
        // alpaca-py re-sends its full lists; the Go SDK sends every key with nil for the unused ones.
        let again = send(&s, #"{"action":"subscribe","trades":["AAPL","MSFT"],"quotes":null,"bars":[],"imbalances":null,"news":null,"whatever":7}"#)
        #expect(again.last == .subscribe([.init(channel: .trades, symbol: "MSFT")]))
        #expect(s.subscriptions[.trades] == ["AAPL", "MSFT"])
        let unsub = send(&s, #"{"action":"unsubscribe","trades":["AAPL","NFLX"]}"#)
        #expect(unsub.first == .unsubscribe([.init(channel: .trades, symbol: "AAPL")]))
        #expect(text(unsub) == [#"[{"T":"subscription","trades":["MSFT"],"quotes":[],"bars":[],"updatedBars":[],"dailyBars":[],"statuses":[],"lulds":[],"corrections":["MSFT"],"cancelErrors":["MSFT"]}]"#])
    }

    @Test("400 for malformed frames, unknown actions and bad symbols; 410 for another stream's channel")
    func malformed() {
        var s = authenticated()
        let invalid = [#"[{"T":"error","code":400,"msg":"invalid syntax"}]"#]
        #expect(text(send(&s, "not json")) == invalid)
        #expect(text(send(&s, #"["subscribe"]"#)) == invalid)
        #expect(text(send(&s, #"{"action":"dance"}"#)) == invalid)
        #expect(text(send(&s, #"{"trades":["AAPL"]}"#)) == invalid)
        #expect(text(send(&s, #"{"action":"subscribe","trades":"AAPL"}"#)) == invalid)
        #expect(text(send(&s, #"{"action":"subscribe","trades":["AA PL"]}"#)) == invalid)
        #expect(text(send(&s, #"{"action":"subscribe","trades":[1]}"#)) == invalid)
        #expect(text(send(&s, #"{"action":"subscribe","orderbooks":["AAPL"]}"#)) == [#"[{"T":"error","code":410,"msg":"invalid subscribe action for this feed"}]"#])
        #expect(s.subscriptions.isEmpty, "a refused request changes nothing")
        #expect(text(send(&s, #"{"action":"subscribe","trades":["BRK.B"]}"#)).first?.contains(#""trades":["BRK.B"]"#) == true)
        let garbage = s.receive(frame: [0xC1, 0xFF, 0x00], binary: true)
        #expect(text(garbage) == invalid)
    }

    @Test("405 beyond the symbol limit, and the subscriptions stay as they were")
    func symbolLimit() {
        var s = authenticated(.iex, .init(symbolLimit: 2))
        _ = send(&s, #"{"action":"subscribe","trades":["AAPL","MSFT"]}"#)
        #expect(text(send(&s, #"{"action":"subscribe","quotes":["AAPL"]}"#)) == [#"[{"T":"error","code":405,"msg":"symbol limit exceeded"}]"#])
        #expect(s.subscriptions == [.trades: ["AAPL", "MSFT"]])
    }

    @Test("the test stream acknowledges trades, quotes and bars only, and refuses other channels")
    func testFeed() {
        var s = authenticated(.test)
        let r = send(&s, #"{"action":"subscribe","bars":["FAKEPACA"],"quotes":["FAKEPACA"]}"#)
        #expect(text(r) == [#"[{"T":"subscription","trades":[],"quotes":["FAKEPACA"],"bars":["FAKEPACA"]}]"#])
        #expect(text(send(&s, #"{"action":"subscribe","dailyBars":["FAKEPACA"]}"#)) == [#"[{"T":"error","code":410,"msg":"invalid subscribe action for this feed"}]"#])
    }

    @Test("auth timeout: 404, then close; slow client: 407, then close; nothing after either")
    func serverEndings() {
        var s = AlpacaSession(feed: .iex, codec: .json)
        let timeout = s.authTimedOut()
        #expect(text(timeout) == [#"[{"T":"error","code":404,"msg":"auth timeout"}]"#] && timeout.last == .close)
        #expect(send(&s, #"{"action":"auth","key":"k","secret":"s"}"#).isEmpty)

        var late = authenticated()
        #expect(late.authTimedOut().isEmpty, "an authenticated session never times out")
        let slow = late.slowConsumer()
        #expect(text(slow) == [#"[{"T":"error","code":407,"msg":"slow client"}]"#] && slow.last == .close)
    }

    @Test("in msgpack, alpaca-py's own frames are understood and control replies are msgpack maps with T first")
    func msgpack() throws {
        var s = AlpacaSession(feed: .iex, codec: .msgpack)
        // {"action":"auth","key":"k","secret":"s"} as msgpack-python packs it.
        let auth: [UInt8] = [0x83, 0xA6] + Array("action".utf8) + [0xA4] + Array("auth".utf8) + [0xA3] + Array("key".utf8) + [0xA1, 0x6B]
            + [0xA6] + Array("secret".utf8) + [0xA1, 0x73]
        #expect(s.receive(frame: auth, binary: true) == [.authenticate(key: "k")])
        guard case .send(let reply) = s.authenticationAccepted().first else {
            Issue.record("no reply")
            return
        }
        let decoded = try MsgPackReader.decode(reply)
        guard case .array(let items) = decoded, case .map(let entries) = items.first else {
            Issue.record("not a singleton array of maps: \(decoded)")
            return
        }
        #expect(items.count == 1 && entries.first?.key == .string("T") && entries.first?.value == .string("success"))
        #expect(items.first?["msg"] == .string("authenticated"))
    }
}
