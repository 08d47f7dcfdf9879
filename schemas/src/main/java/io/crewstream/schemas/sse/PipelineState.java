package io.crewstream.schemas.sse;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.crewstream.schemas.InvalidFieldException;

/** Whether what a client is shown is being kept up to date. A closed set within a schema version. */
public enum PipelineState {

    /** Changes flow: the state shown is the pipeline's latest. */
    LIVE("live"),
    /** The SSE gateway cannot vouch for its view: it is the last known state, which may be behind. */
    PAUSED("paused");

    private final String wireName;

    PipelineState(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return this.wireName;
    }

    @JsonCreator
    public static PipelineState fromWireName(String wireName) {
        for (PipelineState state : values()) {
            if (state.wireName.equals(wireName)) {
                return state;
            }
        }
        throw new InvalidFieldException("PipelineState", "state", "must be one of "
                + Arrays.stream(values()).map(PipelineState::wireName).collect(Collectors.joining(", "))
                + " but was '" + wireName + "'");
    }
}
