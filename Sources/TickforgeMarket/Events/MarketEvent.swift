/// One event of the market, in time order.
public enum MarketEvent: Sendable, Equatable {
    case trade(Trade)
    case quote(Quote)
    /// Stamped at the bar's end: a bar is complete when its window closes.
    case bar(Bar)
    /// Halted or trading again.
    case status(TradingStatus)
    /// A price band, or a halt or resume indicator.
    case luld(LULDBand)
    /// A correction or cancel of an earlier trade; routed with trades, as Alpaca does. No larger
    /// than a bar (see `TradeCorrection`), so that events stay plain values of one size.
    case correction(TradeCorrection)

    public var timestamp: Timestamp {
        switch self {
        case .trade(let t): t.timestamp
        case .quote(let q): q.timestamp
        case .bar(let b): b.end
        case .status(let s): s.timestamp
        case .luld(let l): l.timestamp
        case .correction(let c): c.timestamp
        }
    }

    public var symbol: SymbolID {
        switch self {
        case .trade(let t): t.symbol
        case .quote(let q): q.symbol
        case .bar(let b): b.symbol
        case .status(let s): s.symbol
        case .luld(let l): l.symbol
        case .correction(let c): c.symbol
        }
    }

    public var kind: EventKinds {
        switch self {
        case .trade: .trades
        case .quote: .quotes
        case .bar(let b):
            switch b.span {
            case .second: .secondBars
            case .minute: .minuteBars
            case .day: .dailyBars
            }
        case .status: .statuses
        case .luld: .lulds
        case .correction: .trades
        }
    }
}
