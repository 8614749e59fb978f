/// One event of the market, in time order.
public enum MarketEvent: Sendable, Equatable {
    case trade(Trade)
    case quote(Quote)
    /// Stamped at the bar's end: a bar is complete when its window closes.
    case bar(Bar)

    public var timestamp: Timestamp {
        switch self {
        case .trade(let t): t.timestamp
        case .quote(let q): q.timestamp
        case .bar(let b): b.end
        }
    }

    public var symbol: SymbolID {
        switch self {
        case .trade(let t): t.symbol
        case .quote(let q): q.symbol
        case .bar(let b): b.symbol
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
        }
    }
}
