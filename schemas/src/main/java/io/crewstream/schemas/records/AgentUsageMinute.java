package io.crewstream.schemas.records;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on {@link io.crewstream.schemas.Topic#AGENT_USAGE}: what one agent of one gateway did in one minute of
 * event time (the timestamps of the session-state records), keyed by {@link #key()}. A minute is written again each
 * time a later change alters it, until its grace period is over: the last record of a key and {@code minuteStart}
 * holds. A minute in which nothing happened to the agent has no record; its {@code activeSessions} is that of the
 * agent's last minute before it.
 *
 * @param agentId the sessions' agent ({@link SessionRow#agentId()}), or {@link #NO_AGENT} for sessions whose row
 *     names none
 * @param minuteStart epoch ms of the start of the minute, a multiple of {@link #MINUTE_MILLIS}
 * @param activeSessions how many of the agent's sessions existed at the end of the minute, after its last change
 * @param sessionsCreated sessions that appeared in the table in this minute
 * @param sessionsRemoved sessions that left the table in this minute
 * @param tokensConsumed growth of the sessions' {@code totalTokens} in this minute; a total that went down counts as a
 *     counter that restarted (its new value is consumed), never as negative use
 * @param runsFinished runs that ended in this minute, by outcome (a session's status becoming one of
 *     {@link #RUN_OUTCOMES}: {@code done}, {@code failed}, {@code timeout} or {@code killed}); outcomes that did not
 *     occur are absent
 * @param updatedAt epoch ms at which this version of the minute was written
 */
public record AgentUsageMinute(Integer schemaVersion, String connectionId, String agentId, Long minuteStart,
        Long activeSessions, Long sessionsCreated, Long sessionsRemoved, Long tokensConsumed,
        Map<String, Long> runsFinished, Long updatedAt) {

    /** The length of the window each record covers. */
    public static final long MINUTE_MILLIS = 60_000;

    /** The {@code agentId} under which sessions whose row names no agent are counted. */
    public static final String NO_AGENT = "(no agent)";

    /**
     * The run statuses that mean a run has ended, and so the keys {@code runsFinished} may have (as
     * {@code agent-usage.schema.json} documents them).
     */
    public static final Set<String> RUN_OUTCOMES = Set.of("done", "failed", "timeout", "killed");

    private static final String RECORD = "AgentUsageMinute";

    public AgentUsageMinute {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(agentId, RECORD, "agentId");
        if (Require.notNegative(minuteStart, RECORD, "minuteStart") % MINUTE_MILLIS != 0) {
            throw new InvalidFieldException(RECORD, "minuteStart", "must be a multiple of " + MINUTE_MILLIS
                    + " but was " + minuteStart);
        }
        Require.notNegative(activeSessions, RECORD, "activeSessions");
        Require.notNegative(sessionsCreated, RECORD, "sessionsCreated");
        Require.notNegative(sessionsRemoved, RECORD, "sessionsRemoved");
        Require.notNegative(tokensConsumed, RECORD, "tokensConsumed");
        runsFinished = runsByOutcome(Require.present(runsFinished, RECORD, "runsFinished"));
        Require.notNegative(updatedAt, RECORD, "updatedAt");
    }

    public static AgentUsageMinute of(String connectionId, String agentId, long minuteStart, long activeSessions,
            long sessionsCreated, long sessionsRemoved, long tokensConsumed, Map<String, Long> runsFinished,
            long updatedAt) {
        return new AgentUsageMinute(SchemaVersion.CURRENT, connectionId, agentId, minuteStart, activeSessions,
                sessionsCreated, sessionsRemoved, tokensConsumed, runsFinished, updatedAt);
    }

    /** The Kafka key of an agent's minutes: {@code <connectionId>/<agentId>}. */
    public static String key(String connectionId, String agentId) {
        return keyPrefix(connectionId) + Require.text(agentId, RECORD, "agentId");
    }

    /** What the keys of one gateway's agents start with: a reader can skip another gateway's before decoding. */
    public static String keyPrefix(String connectionId) {
        return Require.connectionId(connectionId, RECORD) + "/";
    }

    /** This record's Kafka key. */
    public String key() {
        return key(this.connectionId, this.agentId);
    }

    /** The start of the minute that holds {@code epochMillis}. */
    public static long minuteOf(long epochMillis) {
        return Math.floorDiv(epochMillis, MINUTE_MILLIS) * MINUTE_MILLIS;
    }

    /** Sorted by outcome, so that equal records serialize alike; unmodifiable. */
    private static SortedMap<String, Long> runsByOutcome(Map<String, Long> runs) {
        SortedMap<String, Long> sorted = new TreeMap<>();
        runs.forEach((outcome, count) -> {
            if (outcome == null || outcome.isBlank()) {
                throw new InvalidFieldException(RECORD, "runsFinished", "must not have a blank outcome");
            }
            if (count == null || count < 1) {
                throw new InvalidFieldException(RECORD, "runsFinished", "must count at least 1 run per outcome but "
                        + "has " + count + " for '" + outcome + "'");
            }
            sorted.put(outcome, count);
        });
        return Collections.unmodifiableSortedMap(sorted);
    }
}
