package io.crewstream.schemas.records;

import io.crewstream.schemas.Require;

/** An agent's sessions in the table, by what they are doing; {@code total} is their sum. */
public record AgentSessionCounts(Long total, Long idle, Long thinking, Long runningTool, Long error) {

    public static final AgentSessionCounts NONE = new AgentSessionCounts(0L, 0L, 0L, 0L, 0L);

    public AgentSessionCounts {
        Require.notNegative(total, "AgentSessionCounts", "total");
        Require.notNegative(idle, "AgentSessionCounts", "idle");
        Require.notNegative(thinking, "AgentSessionCounts", "thinking");
        Require.notNegative(runningTool, "AgentSessionCounts", "runningTool");
        Require.notNegative(error, "AgentSessionCounts", "error");
    }

    /** Sessions with a run in progress. */
    public long running() {
        return this.thinking + this.runningTool;
    }
}
