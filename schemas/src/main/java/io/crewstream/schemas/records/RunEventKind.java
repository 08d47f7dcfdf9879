package io.crewstream.schemas.records;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a {@link RunEvent} reports about an agent run. */
public enum RunEventKind {

    /** The run began (the gateway's {@code agent} lifecycle {@code start}). */
    RUN_STARTED("run-started"),
    /** A tool call began ({@code agent} stream {@code tool}, phase {@code start}). */
    TOOL_STARTED("tool-started"),
    /** A tool call returned ({@code agent} stream {@code tool}, phase {@code result}). */
    TOOL_ENDED("tool-ended"),
    /**
     * The run ended, with its {@link RunOutcome}: the {@code agent} lifecycle {@code end}/{@code error}, or a terminal
     * {@code chat} event ({@code final}, {@code aborted}, {@code error}). One run usually reports both; a reader
     * takes the first and keeps the usage and error kind of either.
     */
    RUN_ENDED("run-ended");

    private final String wireName;

    RunEventKind(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return this.wireName;
    }

    @JsonCreator
    public static RunEventKind fromWireName(String wireName) {
        return WireNames.parse(values(), RunEventKind::wireName, wireName, "RunEvent", "kind");
    }
}
