package io.crewstream.agentusage.topology;

import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;

/**
 * How one change of one session counts, given what was remembered of it. The session-state table is a table, not a
 * log of what happened: it re-lists rows (a projector rebuilding its table publishes every session as
 * {@code created} again), it starts mid-way for a reader that joins late, and a gateway that restarts resets its
 * token counters. So usage is measured against the app's own memory of each session, never taken from a row alone:
 *
 * <ul>
 * <li><b>First sight</b> of a session: one more active session; {@code sessionsCreated} only if the row is
 * {@code created}; no tokens and no finished run: what it consumed before the app saw it is history, not this
 * minute's use (else a pipeline's first snapshot of 40 busy sessions would look like a burst of millions of tokens).
 * A row without {@code totalTokens} starts the session's count at 0.</li>
 * <li><b>Tokens</b>: the growth of {@code totalTokens} since the last row that had one. A total that went down is a
 * counter that restarted (a reset session, a restarted gateway): its new value is what was consumed since, never a
 * negative use. A row that repeats the total adds nothing, so re-listed rows and repeated snapshots are not counted
 * twice. A row without a total (or a negative one) changes nothing.</li>
 * <li><b>Runs finished</b>: a status that becomes one of {@link AgentUsageMinute#RUN_OUTCOMES} and differs from the
 * last known one counts one run with that outcome (running → done, done → failed, …); the same status again does
 * not.</li>
 * <li><b>Removal</b> (a tombstone): one session fewer and {@code sessionsRemoved}, under the agent remembered for it.
 * A tombstone of a session the app never saw counts nothing: it never counted as active.</li>
 * <li><b>Agent</b>: {@link SessionRow#agentId()}, or {@link AgentUsageMinute#NO_AGENT}; fixed at first sight, so that
 * a session's removal always leaves the agent its appearance counted for.</li>
 * <li>A {@code created} row of a session the app already holds (a re-listing) is not a new session.</li>
 * </ul>
 *
 * Stateless and thread-safe.
 */
final class SessionRules {

    private SessionRules() {
    }

    /**
     * @param after what to remember of the session from now on; null to forget it
     * @param usage what the change adds to the agent's minute; null when it adds nothing
     */
    record Step(SessionMemory after, SessionUsage usage) {
    }

    /** A session-state row. */
    static Step row(String connectionId, SessionMemory before, SessionState state) {
        SessionRow row = state.session();
        Long total = knownTotal(row);
        if (before == null) {
            String agentId = row.agentId() == null ? AgentUsageMinute.NO_AGENT : row.agentId();
            int created = state.changeType() == ChangeType.CREATED ? 1 : 0;
            return new Step(new SessionMemory(agentId, total == null ? 0 : total, row.status()),
                    new SessionUsage(connectionId, agentId, 1, created, 0, 0, null));
        }
        long tokens = 0;
        long nextTotal = before.totalTokens();
        if (total != null) {
            tokens = total >= before.totalTokens() ? total - before.totalTokens() : total;
            nextTotal = total;
        }
        String status = row.status();
        String finished = status != null && !status.equals(before.status())
                && AgentUsageMinute.RUN_OUTCOMES.contains(status) ? status : null;
        SessionMemory after = new SessionMemory(before.agentId(), nextTotal,
                status == null ? before.status() : status);
        SessionUsage usage = new SessionUsage(connectionId, before.agentId(), 0, 0, 0, tokens, finished);
        return new Step(after, usage.addsNothing() ? null : usage);
    }

    /** A tombstone: the session left the table. */
    static Step removal(String connectionId, SessionMemory before) {
        if (before == null) {
            return new Step(null, null);
        }
        return new Step(null, new SessionUsage(connectionId, before.agentId(), -1, 0, 1, 0, null));
    }

    private static Long knownTotal(SessionRow row) {
        Long total = row.totalTokens();
        return total == null || total < 0 ? null : total;
    }
}
