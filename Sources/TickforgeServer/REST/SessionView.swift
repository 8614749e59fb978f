import Synchronization
import TickforgeMarket

/// The market's sessions as REST reads them: the configured mode and the scenario timeline in
/// force, kept current by the control plane as it changes the timeline, so a forced session shows
/// in `/v1/marketstatus/now` and `/v2/clock` the moment it does on the stream.
final class SessionView: TimelineFollower {
    private let state: Mutex<SessionSchedule>

    init(mode: MarketHoursMode, timeline: ScenarioTimeline) {
        state = Mutex(SessionSchedule(mode: mode, timeline: timeline))
    }

    var schedule: SessionSchedule { state.withLock { $0 } }

    func follow(_ timeline: ScenarioTimeline) {
        state.withLock { $0 = SessionSchedule(mode: $0.mode, timeline: timeline) }
    }
}
