package io.crewstream.schemas.records;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How an agent run ended. */
public enum RunOutcome {

    /** It finished ({@code chat final}, lifecycle {@code end}). */
    COMPLETED("completed"),
    /** It failed ({@code chat error}, lifecycle {@code error}); the error kind says why, when the gateway said. */
    ERROR("error"),
    /** Someone stopped it ({@code chat aborted}). */
    ABORTED("aborted"),
    /**
     * Its end was never reported: the gateway restarted or the connection was lost mid-run, and the next snapshot
     * showed the session without an active run (or the connection went down). Only the projector writes this.
     */
    INTERRUPTED("interrupted");

    private final String wireName;

    RunOutcome(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return this.wireName;
    }

    @JsonCreator
    public static RunOutcome fromWireName(String wireName) {
        return WireNames.parse(values(), RunOutcome::wireName, wireName, "RunOutcome", "outcome");
    }
}
