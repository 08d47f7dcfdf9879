package io.crewstream.schemas.records;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A gateway {@code sessions.changed} event that carried a current row: the session now looks like {@code session}.
 *
 * @param reason the gateway's reason ({@code create}, {@code patch}, {@code send}, …) for a live change; for a
 *     difference found by a re-list, the {@link SnapshotReason} of that re-list ({@code reconciliation}, …) and no
 *     {@code upstreamSeq}; informational
 * @param upstreamSeq the frame {@code seq} on the upstream connection, if any
 */
public record SessionUpserted(Integer schemaVersion, String connectionId, String sessionKey, String reason,
        Long upstreamSeq, Long observedAt, SessionRow session) implements SessionEvent {

    private static final String RECORD = "SessionUpserted";

    public SessionUpserted {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(sessionKey, RECORD, "sessionKey");
        Require.notNegative(observedAt, RECORD, "observedAt");
        Require.present(session, RECORD, "session");
        if (!session.key().equals(sessionKey)) {
            throw new InvalidFieldException(RECORD, "sessionKey", "'" + sessionKey
                    + "' differs from the row's key '" + session.key() + "'");
        }
    }

    public static SessionUpserted of(String connectionId, String reason, Long upstreamSeq, long observedAt,
            SessionRow session) {
        return new SessionUpserted(SchemaVersion.CURRENT, connectionId, session.key(), reason, upstreamSeq,
                observedAt, session);
    }
}
