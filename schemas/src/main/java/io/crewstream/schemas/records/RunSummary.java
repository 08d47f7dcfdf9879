package io.crewstream.schemas.records;

import io.crewstream.schemas.Require;

/**
 * How a session's last finished run went.
 *
 * @param startedAt epoch ms of its start, when it was seen (a run already running when crewstream connected has none)
 * @param endedAt epoch ms of its end (for an interrupted run: when crewstream concluded it had ended)
 * @param durationMs {@code endedAt - startedAt}, when both are known
 * @param toolCalls how many tool calls it started (that crewstream saw)
 * @param errorKind for an {@code error} outcome: the kind, when the gateway said
 * @param usage tokens used, when the gateway reported them
 */
public record RunSummary(String runId, RunOutcome outcome, Long startedAt, Long endedAt, Long durationMs,
        Long toolCalls, String errorKind, RunUsage usage) {

    public RunSummary {
        Require.text(runId, "RunSummary", "runId");
        Require.present(outcome, "RunSummary", "outcome");
        Require.notNegative(endedAt, "RunSummary", "endedAt");
        Require.notNegative(toolCalls, "RunSummary", "toolCalls");
    }
}
