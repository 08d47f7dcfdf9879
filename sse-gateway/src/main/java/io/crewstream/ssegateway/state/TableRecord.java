package io.crewstream.ssegateway.state;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionState;

/**
 * One decoded record of a table topic. A record that could not be decoded still advances the position (it is
 * reported by the decoder and never retried), so it is kept as {@link #rejected()}.
 *
 * @param sessionKey the key of a session-state record; null on the connection-state topic
 * @param connectionId the key of a connection-state record, or the connection of a session-state key
 * @param session the new session state; null for a tombstone
 * @param connection the new connection state; null for a tombstone
 * @param timestamp the Kafka record timestamp (epoch ms) the projector wrote; null when unknown. A tombstone has no
 * value to carry an {@code observedAt}, so this is the only time a removal has
 */
public record TableRecord(TableTopic topic, int partition, long offset, SessionStateKey sessionKey,
        String connectionId, SessionState session, ConnectionState connection, boolean rejected, Long timestamp) {

    public static TableRecord session(int partition, long offset, SessionStateKey key, SessionState value) {
        return session(partition, offset, key, value, null);
    }

    public static TableRecord session(int partition, long offset, SessionStateKey key, SessionState value,
            Long timestamp) {
        return new TableRecord(TableTopic.SESSIONS, partition, offset, key, key.connectionId(), value, null, false,
                timestamp);
    }

    public static TableRecord connection(int partition, long offset, String connectionId, ConnectionState value) {
        return connection(partition, offset, connectionId, value, null);
    }

    public static TableRecord connection(int partition, long offset, String connectionId, ConnectionState value,
            Long timestamp) {
        return new TableRecord(TableTopic.CONNECTIONS, partition, offset, null, connectionId, null, value, false,
                timestamp);
    }

    public static TableRecord rejected(TableTopic topic, int partition, long offset) {
        return new TableRecord(topic, partition, offset, null, null, null, null, true, null);
    }
}
