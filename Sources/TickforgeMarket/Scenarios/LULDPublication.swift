#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When a symbol's LULD band is published: at the regular session's first minute, when the
/// doubling of the open and the close begins or ends, and whenever the reference price (the mean
/// of the previous five minutes' prices) has moved by 1% since the minute before. Bands are a pure
/// function of the minutes before, so any minute's band costs six summaries.
extension SymbolTape {
    /// The band published at the start of minute `M`, if one is.
    func luldBands(minute M: Int64) -> [MarketEvent] {
        let (t0, _) = Self.bounds(M)
        let fx = effects
        let phase = fx.map { self.phase(at: t0, $0) } ?? path.minute(M).shape.phase
        guard phase == .regular else { return [] }
        if let fx, fx.regime(at: t0).isQuiet { return [] }
        let before = Timestamp(nanoseconds: t0.nanoseconds - Timestamp.nanosPerMinute)
        let openedNow = (fx.map { self.phase(at: before, $0) } ?? path.minute(M - 1).shape.phase) != .regular
        let minute = NewYorkTime.minuteOfDay(of: t0)
        let doubled = LULDRules.isDoubled(minuteOfDay: minute)
        let reference = luldReference(endingBefore: M)
        var publish = openedNow || doubled != LULDRules.isDoubled(minuteOfDay: (minute + 1439) % 1440)
        if !publish {
            let previous = luldReference(endingBefore: M - 1)
            publish = previous > 0 && abs(reference / previous - 1) >= 0.01
        }
        guard publish, reference > 0 else { return [] }
        let band = LULDRules.band(aroundUnits: reference, tier: profile.luldTier, doubled: doubled)
        return [.luld(LULDBand(symbol: id, timestamp: t0, sequence: M * 16, limitUp: band.up, limitDown: band.down,
                               indicator: LULDBand.priceBand, tape: profile.tape))]
    }

    /// The mean price of the five minutes before minute `M` (their VWAPs), or the price where the
    /// path stands when none of them traded, in $0.0001.
    func luldReference(endingBefore M: Int64) -> Double {
        var sum = 0.0, count = 0.0
        for k in 1...5 {
            let s = summary(M - Int64(k))
            if s.roundVolume > 0 { sum += Double(s.roundNotional) / Double(s.roundVolume); count += 1 }
        }
        if count > 0 { return sum / count }
        let offset = effects?.offset(at: Timestamp(nanoseconds: M * Timestamp.nanosPerMinute)) ?? 0
        return profile.basePrice * 10_000 * exp(path.minute(M).startLevel + offset)
    }
}
