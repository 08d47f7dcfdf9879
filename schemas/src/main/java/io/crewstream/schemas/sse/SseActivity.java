package io.crewstream.schemas.sse;

import io.crewstream.schemas.Require;
import io.crewstream.schemas.records.ActivityError;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.RunSummary;
import io.crewstream.schemas.records.SessionActivity;

/**
 * A session's activity as the browser sees it (the {@code activity} object of a session): its
 * {@link SessionActivity} without the table's bookkeeping.
 */
public record SseActivity(ActivityState state, Long since, String runId, String toolName, Long runningTools,
        ActivityError lastError, RunSummary lastRun) {

    public SseActivity {
        Require.present(state, "SseActivity", "state");
        Require.notNegative(since, "SseActivity", "since");
    }

    public static SseActivity of(SessionActivity activity) {
        return new SseActivity(activity.state(), activity.since(), activity.runId(), activity.toolName(),
                activity.runningTools(), activity.lastError(), activity.lastRun());
    }

    /**
     * CrewHub's {@code activityDetail}: one line of text saying what the session does ("Running tool: exec",
     * "Thinking", "Error: rate_limit"), or null when it is idle.
     */
    public String detail() {
        return switch (this.state) {
            case IDLE -> null;
            case THINKING -> "Thinking";
            case RUNNING_TOOL -> "Running tool: " + this.toolName;
            case ERROR -> "Error: " + this.lastError.kind();
        };
    }
}
