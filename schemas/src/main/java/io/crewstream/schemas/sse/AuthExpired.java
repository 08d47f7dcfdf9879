package io.crewstream.schemas.sse;

import io.crewstream.schemas.Require;

/**
 * Payload of {@code auth-expired}: the last event of a stream whose access (the token it was opened with, directly
 * or through a stream ticket) has expired; the server closes the stream right after it. A dashboard answers it by
 * getting a new stream ticket and reopening with the id of the last event it received, so it misses nothing. Never
 * answered by reconnecting without credentials: that would be refused, or worse, show an empty view. Sent without an
 * {@code id:} (it is not a table change).
 *
 * @param expiredAt epoch ms at which the access expired
 * @param reason human-readable explanation, for a banner or a log line
 */
public record AuthExpired(long expiredAt, String reason) {

    private static final String RECORD = "AuthExpired";

    public AuthExpired {
        Require.notNegative(expiredAt, RECORD, "expiredAt");
        Require.text(reason, RECORD, "reason");
    }
}
