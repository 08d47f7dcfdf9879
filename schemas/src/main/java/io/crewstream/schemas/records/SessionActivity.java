package io.crewstream.schemas.records;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.SessionStateKey;

/**
 * A value on the compacted {@link io.crewstream.schemas.Topic#SESSION_ACTIVITY} table: what one session is doing
 * right now, folded from its run events by the projector, keyed like the session table ({@link SessionStateKey}). A
 * tombstone when the session is removed.
 *
 * @param state what it is doing
 * @param since epoch ms at which it entered {@code state} (for {@code running-tool}: when the current tool started)
 * @param runId the run in progress (for {@code thinking} and {@code running-tool}), else null
 * @param toolName for {@code running-tool}: the most recently started tool still running
 * @param runningTools for {@code running-tool}: how many tool calls are in progress (parallel calls are counted)
 * @param lastError the last failed run, kept after the session is idle again
 * @param lastRun the last finished run
 * @param revision 1 for the first row of a key, then +1 for every change
 * @param updatedAt epoch ms of the event (or the timer, for an error that expired) that made this row
 */
public record SessionActivity(Integer schemaVersion, String connectionId, String sessionKey, String agentId,
        ActivityState state, Long since, String runId, String toolName, Long runningTools, ActivityError lastError,
        RunSummary lastRun, Long revision, Long updatedAt) {

    private static final String RECORD = "SessionActivity";

    public SessionActivity {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(sessionKey, RECORD, "sessionKey");
        Require.present(state, RECORD, "state");
        Require.notNegative(since, RECORD, "since");
        if (state.busy()) {
            Require.text(runId, RECORD, "runId");
        }
        if (state == ActivityState.RUNNING_TOOL) {
            Require.text(toolName, RECORD, "toolName");
            if (Require.notNegative(runningTools, RECORD, "runningTools") < 1) {
                throw new InvalidFieldException(RECORD, "runningTools", "must be at least 1 while running a tool");
            }
        }
        if (state == ActivityState.ERROR) {
            Require.present(lastError, RECORD, "lastError");
        }
        if (Require.notNegative(revision, RECORD, "revision") < 1) {
            throw new InvalidFieldException(RECORD, "revision", "must be at least 1 but was " + revision);
        }
        Require.notNegative(updatedAt, RECORD, "updatedAt");
    }

    public SessionStateKey key() {
        return new SessionStateKey(this.connectionId, this.sessionKey);
    }
}
