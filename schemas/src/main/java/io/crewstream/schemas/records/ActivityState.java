package io.crewstream.schemas.records;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a session (or, aggregated, an agent) is doing right now. For an agent, the busiest of its sessions wins:
 * {@code running-tool} over {@code thinking} over {@code error} over {@code idle}.
 */
public enum ActivityState {

    /** No run in progress, and no recent error. */
    IDLE("idle"),
    /** A run is in progress and no tool call is: the model is working. */
    THINKING("thinking"),
    /** A run is in progress and at least one tool call is. */
    RUNNING_TOOL("running-tool"),
    /** The last run failed, recently (the projector shows an error for a while, then the session is idle again). */
    ERROR("error");

    private final String wireName;

    ActivityState(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return this.wireName;
    }

    /** Whether a run is in progress. */
    public boolean busy() {
        return this == THINKING || this == RUNNING_TOOL;
    }

    @JsonCreator
    public static ActivityState fromWireName(String wireName) {
        return WireNames.parse(values(), ActivityState::wireName, wireName, "ActivityState", "state");
    }
}
