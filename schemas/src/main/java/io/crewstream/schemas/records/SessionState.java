package io.crewstream.schemas.records;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.SessionStateKey;

/**
 * A value on the compacted {@link io.crewstream.schemas.Topic#SESSION_STATE} table: the latest state of one session,
 * keyed by {@link SessionStateKey}. A removed session is a tombstone (null value).
 *
 * @param revision 1 for the first row of a key, then +1 for every change; restarts at 1 after a removal
 * @param observedAt epoch ms at which the ingestor received the change from upstream
 * @param upstreamUpdatedAt the row's {@code updatedAt}, copied for consumers that do not parse rows
 */
public record SessionState(Integer schemaVersion, String connectionId, String sessionKey, ChangeType changeType,
        Long revision, Long observedAt, Long upstreamUpdatedAt, SessionRow session) {

    private static final String RECORD = "SessionState";

    public SessionState {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(sessionKey, RECORD, "sessionKey");
        Require.present(changeType, RECORD, "changeType");
        if (Require.notNegative(revision, RECORD, "revision") < 1) {
            throw new InvalidFieldException(RECORD, "revision", "must be at least 1 but was " + revision);
        }
        Require.notNegative(observedAt, RECORD, "observedAt");
        Require.present(session, RECORD, "session");
        if (!session.key().equals(sessionKey)) {
            throw new InvalidFieldException(RECORD, "sessionKey", "'" + sessionKey
                    + "' differs from the row's key '" + session.key() + "'");
        }
    }

    public static SessionState of(String connectionId, ChangeType changeType, long revision, long observedAt,
            SessionRow session) {
        return new SessionState(SchemaVersion.CURRENT, connectionId, session.key(), changeType, revision, observedAt,
                session.updatedAt(), session);
    }

    public SessionStateKey key() {
        return new SessionStateKey(this.connectionId, this.sessionKey);
    }
}
