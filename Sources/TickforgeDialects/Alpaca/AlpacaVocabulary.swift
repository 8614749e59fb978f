import TickforgeMarket

/// Alpaca's names for what the market stores in Polygon's numbering: exchanges and tapes are
/// letters, sale conditions are the SIP's condition characters (notes §3.1, §3.4).
enum AlpacaVocabulary {
    /// SIP participant letters by Polygon exchange id (1 NYSE American … 21 MEMX); 4 is the TRF ("D").
    static let exchangeLetters: [UInt8] = {
        var letters = [UInt8](repeating: UInt8(ascii: "D"), count: 256)
        let table: [(Int, Character)] = [
            (1, "A"), (2, "B"), (3, "C"), (4, "D"), (5, "E"), (6, "I"), (7, "J"), (8, "K"), (9, "M"), (10, "N"),
            (11, "P"), (12, "Q"), (13, "S"), (14, "L"), (15, "V"), (16, "W"), (17, "X"), (18, "Y"), (19, "Z"), (20, "H"), (21, "U"),
        ]
        for (id, letter) in table { letters[id] = letter.asciiValue! }
        // FAKEPACA's quote names two exchanges no participant uses (see `FakepacaFeed`).
        letters[Int(FakepacaFeed.bidExchange)] = UInt8(ascii: "O")
        letters[Int(FakepacaFeed.askExchange)] = UInt8(ascii: "R")
        return letters
    }()

    @inline(__always) static func exchange(_ id: UInt8) -> UInt8 { exchangeLetters[Int(id)] }

    @inline(__always) static func tape(_ tape: Tape) -> UInt8 {
        switch tape {
        case .a: UInt8(ascii: "A")
        case .b: UInt8(ascii: "B")
        case .c: UInt8(ascii: "C")
        }
    }

    /// A trade's conditions as SIP characters: the regular-sale mark first (a space on the CTA
    /// tapes A and B, `@` on UTP's C, as in Alpaca's captures), then Form T `T`, ISO `F`, odd lot
    /// `I`, average price `B`/`W`. Trade-through exemption is a separate SIP flag, not a sale
    /// condition in Alpaca's vocabulary, so it has no character.
    static func conditions(_ c: TradeConditions, tape: Tape) -> (chars: (UInt8, UInt8, UInt8, UInt8, UInt8), count: Int) {
        var out: (UInt8, UInt8, UInt8, UInt8, UInt8) = (tape == .c ? UInt8(ascii: "@") : UInt8(ascii: " "), 0, 0, 0, 0)
        var n = 1
        func add(_ ch: UInt8) {
            switch n {
            case 1: out.1 = ch
            case 2: out.2 = ch
            case 3: out.3 = ch
            default: out.4 = ch
            }
            n += 1
        }
        for code in c where n < 5 {
            switch code {
            case TradeConditions.formT: add(UInt8(ascii: "T"))
            case TradeConditions.intermarketSweep: add(UInt8(ascii: "F"))
            case TradeConditions.oddLot: add(UInt8(ascii: "I"))
            case TradeConditions.averagePrice: add(tape == .c ? UInt8(ascii: "W") : UInt8(ascii: "B"))
            case TradeConditions.reopening: add(UInt8(ascii: "5"))
            default: break
            }
        }
        return (out, n)
    }

    /// A trading status in Alpaca's words: status code and message, reason code and message, by
    /// tape (UTP for C, CTA for A and B; notes §7.2). `nil` where the tape has no such status.
    static func status(_ s: TradingStatus) -> (sc: String, sm: String, rc: String, rm: String)? {
        let utp = s.tape == .c
        let reason: (String, String)
        switch (s.reason, utp) {
        case (.volatilityPause, true), (.luldPause, true): reason = ("LUDP", "Volatility Trading Pause")
        case (.newsPending, true): reason = ("T1", "Halt News Pending")
        case (.secSuspension, true): reason = ("H10", "Halt SEC Trading Suspension")
        case (.volatilityPause, false), (.luldPause, false): reason = ("M", "Limit Up-Limit Down (LULD) Trading Pause")
        case (.newsPending, false): reason = ("P", "News Pending")
        case (.secSuspension, false): reason = ("X", "Operational")
        }
        switch (s.change, utp) {
        case (.halted, true):
            return s.reason == .volatilityPause || s.reason == .luldPause
                ? ("P", "Volatility Trading Pause", reason.0, reason.1) : ("H", "Trading Halt", reason.0, reason.1)
        case (.quotationResumed, true): return ("Q", "Quotation Resumption", reason.0, reason.1)
        case (.resumed, true): return ("T", "Trading Resumption", reason.0, reason.1)
        case (.halted, false): return ("2", "Trading Halt", reason.0, reason.1)
        case (.resumed, false): return ("3", "Resume", reason.0, reason.1)
        case (.quotationResumed, false): return nil
        }
    }

    /// Quotes carry one condition; the market's quotes are regular two-sided ones ("R").
    static let quoteCondition = UInt8(ascii: "R")
}
