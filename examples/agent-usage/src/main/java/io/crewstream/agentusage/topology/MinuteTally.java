package io.crewstream.agentusage.topology;

import java.util.Map;
import java.util.TreeMap;

import io.crewstream.schemas.records.AgentUsageMinute;

/**
 * One open minute of one agent, as the {@link AgentUsageTopology#AGENT_MINUTES_STORE} store keeps it until its grace
 * period is over.
 *
 * @param activeSessions the agent's sessions at the end of the minute as far as known; kept as computed (it could
 *     only dip below 0 on inconsistent input) and clamped at 0 when written
 * @param net the minute's own change of the agent's session count (appeared less removed)
 * @param version how many times this minute has been written; part of each record's CloudEvents id
 */
record MinuteTally(long minuteStart, long activeSessions, long sessionsCreated, long sessionsRemoved,
        long tokensConsumed, Map<String, Long> runsFinished, long net, long version) {

    MinuteTally {
        runsFinished = Map.copyOf(runsFinished);
    }

    /** The first change of a minute, with the agent's session count at its end. */
    static MinuteTally first(long minuteStart, long activeSessions, SessionUsage usage) {
        return new MinuteTally(minuteStart, activeSessions, 0, 0, 0, Map.of(), 0, 0).with(usage, 0);
    }

    /** A further change of this minute. */
    MinuteTally plus(SessionUsage usage) {
        return with(usage, usage.activeDelta());
    }

    /** An earlier minute's session count changed by {@code delta}, and with it the count at this minute's end. */
    MinuteTally shifted(long delta) {
        return new MinuteTally(this.minuteStart, this.activeSessions + delta, this.sessionsCreated,
                this.sessionsRemoved, this.tokensConsumed, this.runsFinished, this.net, this.version + 1);
    }

    AgentUsageMinute toRecord(String connectionId, String agentId, long updatedAt) {
        return AgentUsageMinute.of(connectionId, agentId, this.minuteStart, Math.max(0, this.activeSessions),
                this.sessionsCreated, this.sessionsRemoved, this.tokensConsumed, this.runsFinished, updatedAt);
    }

    private MinuteTally with(SessionUsage usage, long activeDelta) {
        Map<String, Long> runs = new TreeMap<>(this.runsFinished);
        if (usage.finished() != null) {
            runs.merge(usage.finished(), 1L, Long::sum);
        }
        return new MinuteTally(this.minuteStart, this.activeSessions + activeDelta,
                this.sessionsCreated + usage.created(), this.sessionsRemoved + usage.removed(),
                this.tokensConsumed + usage.tokens(), runs, this.net + usage.activeDelta(), this.version + 1);
    }
}
