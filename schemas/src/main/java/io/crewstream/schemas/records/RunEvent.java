package io.crewstream.schemas.records;

import java.util.Set;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on {@link io.crewstream.schemas.Topic#RUN_EVENTS}: one step of an agent run, as the ingestor read it from
 * the gateway's {@code agent} and {@code chat} events. Keyed by connection id, like the session events, so that one
 * session's (indeed one gateway's) run events stay in order and a projector sees them in the same task as the
 * session snapshots that close runs whose end was lost.
 *
 * <p>Never the message text, the model's thinking, or tool arguments and results: only what activity needs. The
 * optional {@code summary} is filled only when the ingestor is told to ({@code crewstream.ingestor.activity-summaries}).
 *
 * @param agentId the session's agent ({@code agent:<agentId>:…}), or null for a session key of another form
 * @param runId the gateway's run id
 * @param at epoch ms at which it happened, as the gateway stamped it (else when the ingestor received it)
 * @param observedAt epoch ms at which the ingestor received the frame
 * @param runSeq the gateway's per-run sequence number of the event, when it sent one ({@code agent} and {@code chat}
 *     events are numbered separately)
 * @param toolName for {@code tool-started} (required) and {@code tool-ended}: the tool's name
 * @param toolCallId for tool events: the call's id, which pairs a start with its end
 * @param toolError for {@code tool-ended}: whether the tool reported an error
 * @param outcome for {@code run-ended} (required): how the run ended
 * @param errorKind for an {@code error} outcome: the gateway's kind ({@link #KNOWN_ERROR_KINDS}, others are passed on
 *     as sent), or null when it gave none
 * @param usage for {@code run-ended}: tokens used, when the gateway reported them
 * @param summary opt-in, at most {@link #MAX_SUMMARY_CHARS} characters: a tool call's arguments in short for
 *     {@code tool-started}, the error message for a failed run; null by default
 */
public record RunEvent(Integer schemaVersion, String connectionId, String sessionKey, String agentId, String runId,
        RunEventKind kind, Long at, Long observedAt, Long runSeq, String toolName, String toolCallId,
        Boolean toolError, RunOutcome outcome, String errorKind, RunUsage usage, String summary) {

    /** The error kind of a run that timed out (also what a lifecycle error naming a timeout phase means). */
    public static final String TIMEOUT_ERROR_KIND = "timeout";

    /** The error kinds OpenClaw 2026.9.6 reports on a failed chat run. */
    public static final Set<String> KNOWN_ERROR_KINDS = Set.of("refusal", TIMEOUT_ERROR_KIND, "rate_limit", "context_length",
            "unknown");

    public static final int MAX_SUMMARY_CHARS = 200;

    private static final String RECORD = "RunEvent";

    public RunEvent {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(sessionKey, RECORD, "sessionKey");
        Require.text(runId, RECORD, "runId");
        Require.present(kind, RECORD, "kind");
        Require.notNegative(at, RECORD, "at");
        Require.notNegative(observedAt, RECORD, "observedAt");
        if (runSeq != null) {
            Require.notNegative(runSeq, RECORD, "runSeq");
        }
        if (kind == RunEventKind.TOOL_STARTED) {
            Require.text(toolName, RECORD, "toolName");
        }
        if (kind == RunEventKind.RUN_ENDED) {
            Require.present(outcome, RECORD, "outcome");
        }
        else if (outcome != null || usage != null) {
            throw new InvalidFieldException(RECORD, "outcome", "only a run-ended event has an outcome or usage");
        }
        if (errorKind != null && outcome != RunOutcome.ERROR) {
            throw new InvalidFieldException(RECORD, "errorKind", "only a run that ended in error has an error kind");
        }
        if (summary != null && summary.length() > MAX_SUMMARY_CHARS) {
            throw new InvalidFieldException(RECORD, "summary", "must be at most " + MAX_SUMMARY_CHARS
                    + " characters but has " + summary.length());
        }
    }

    public static RunEvent runStarted(String connectionId, String sessionKey, String agentId, String runId, long at,
            long observedAt, Long runSeq) {
        return new RunEvent(SchemaVersion.CURRENT, connectionId, sessionKey, agentId, runId,
                RunEventKind.RUN_STARTED, at, observedAt, runSeq, null, null, null, null, null, null, null);
    }

    public static RunEvent toolStarted(String connectionId, String sessionKey, String agentId, String runId, long at,
            long observedAt, Long runSeq, String toolName, String toolCallId) {
        return new RunEvent(SchemaVersion.CURRENT, connectionId, sessionKey, agentId, runId,
                RunEventKind.TOOL_STARTED, at, observedAt, runSeq, toolName, toolCallId, null, null, null, null,
                null);
    }

    public static RunEvent toolEnded(String connectionId, String sessionKey, String agentId, String runId, long at,
            long observedAt, Long runSeq, String toolName, String toolCallId, Boolean toolError) {
        return new RunEvent(SchemaVersion.CURRENT, connectionId, sessionKey, agentId, runId, RunEventKind.TOOL_ENDED,
                at, observedAt, runSeq, toolName, toolCallId, toolError, null, null, null, null);
    }

    public static RunEvent runEnded(String connectionId, String sessionKey, String agentId, String runId, long at,
            long observedAt, Long runSeq, RunOutcome outcome, String errorKind, RunUsage usage, String summary) {
        return new RunEvent(SchemaVersion.CURRENT, connectionId, sessionKey, agentId, runId, RunEventKind.RUN_ENDED,
                at, observedAt, runSeq, null, null, null, outcome, errorKind, usage, summary);
    }
}
