package io.crewstream.ssegateway.state;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionState;

/**
 * A change the table made, with the position right after it. Immutable.
 *
 * @param sessionKey the session that changed; null for a gateway change
 * @param session the session's new state; null when it was removed or for a gateway change
 * @param previous the session's state before the change; null when it was created
 * @param connection the gateway's new state; null when removed or for a session change
 * @param recordTimestamp the Kafka timestamp of the record that made the change; null when unknown
 */
public record TableChange(Kind kind, TableTopic topic, int partition, long offset, Position positionAfter,
        String connectionId, SessionStateKey sessionKey, SessionState session, SessionState previous,
        ConnectionState connection, Long recordTimestamp) {

    public enum Kind {
        SESSION_CREATED, SESSION_UPDATED, SESSION_REMOVED, GATEWAY_CHANGED, GATEWAY_REMOVED
    }

    /** The agent of the session, from its latest known row; null for gateway changes or rows without an agent. */
    public String agentId() {
        SessionState known = this.session != null ? this.session : this.previous;
        return known == null ? null : known.session().agentId();
    }

    /**
     * Epoch ms at which the upstream change reached the pipeline; null when unknown. A removal is a tombstone with no
     * value to carry {@code observedAt}: the record timestamp the projector wrote for it stands in.
     */
    public Long observedAt() {
        if (this.session != null) {
            return this.session.observedAt();
        }
        if (this.connection != null) {
            return this.connection.observedAt();
        }
        return (this.kind == Kind.SESSION_REMOVED) ? this.recordTimestamp : null;
    }
}
