package io.crewstream.schemas.records;

import io.crewstream.schemas.Require;

/**
 * The last failed run of a session, or of any of an agent's sessions.
 *
 * @param kind the gateway's error kind ({@link RunEvent#KNOWN_ERROR_KINDS}), or {@code unknown} when it gave none
 * @param at epoch ms at which the run failed
 * @param sessionKey the failed session (in an agent's row; null in a session's own)
 */
public record ActivityError(String kind, Long at, String runId, String sessionKey) {

    /** The kind recorded for a failure whose kind the gateway did not say. */
    public static final String UNKNOWN_KIND = "unknown";

    public ActivityError {
        Require.text(kind, "ActivityError", "kind");
        Require.notNegative(at, "ActivityError", "at");
        Require.text(runId, "ActivityError", "runId");
    }
}
