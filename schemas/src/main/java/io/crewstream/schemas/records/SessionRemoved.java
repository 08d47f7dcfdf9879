package io.crewstream.schemas.records;

import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * The session is gone: a gateway keyed {@code sessions.changed} event with {@code reason:"delete"}, or a re-list that
 * no longer found it ({@code reason} is then the re-list's {@link SnapshotReason}, and there is no
 * {@code upstreamSeq}).
 */
public record SessionRemoved(Integer schemaVersion, String connectionId, String sessionKey, String reason,
        Long upstreamSeq, Long observedAt) implements SessionEvent {

    private static final String RECORD = "SessionRemoved";

    public SessionRemoved {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(sessionKey, RECORD, "sessionKey");
        Require.notNegative(observedAt, RECORD, "observedAt");
    }

    public static SessionRemoved of(String connectionId, String sessionKey, String reason, Long upstreamSeq,
            long observedAt) {
        return new SessionRemoved(SchemaVersion.CURRENT, connectionId, sessionKey, reason, upstreamSeq, observedAt);
    }
}
