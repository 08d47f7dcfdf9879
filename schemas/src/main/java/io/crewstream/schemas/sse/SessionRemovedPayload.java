package io.crewstream.schemas.sse;

import io.crewstream.schemas.Require;

/** Payload of {@code session-removed}: which session of which connection is gone. */
public record SessionRemovedPayload(String key, String connectionId) {

    private static final String RECORD = "SessionRemovedPayload";

    public SessionRemovedPayload {
        Require.text(key, RECORD, "key");
        Require.connectionId(connectionId, RECORD);
    }
}
