package io.crewstream.ssegateway.state;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionState;

/**
 * One decoded record of a table topic. A record that could not be decoded still advances the position (it is
 * reported by the decoder and never retried), so it is kept as {@link #rejected()}.
 *
 * @param sessionKey the key of a session-state or session-activity record; null on the other topics
 * @param connectionId the key of a connection-state record, or the connection of a session or agent key
 * @param agentId the agent of an agent-state key; null on the other topics
 * @param session the new session state; null for a tombstone
 * @param connection the new connection state; null for a tombstone
 * @param activity the new session activity; null for a tombstone
 * @param agent the new agent state; null for a tombstone
 * @param timestamp the Kafka record timestamp (epoch ms) the projector wrote; null when unknown. A tombstone has no
 * value to carry an {@code observedAt}, so this is the only time a removal has
 */
public record TableRecord(TableTopic topic, int partition, long offset, SessionStateKey sessionKey,
        String connectionId, String agentId, SessionState session, ConnectionState connection,
        SessionActivity activity, AgentState agent, boolean rejected, Long timestamp) {

    public static TableRecord session(int partition, long offset, SessionStateKey key, SessionState value) {
        return session(partition, offset, key, value, null);
    }

    public static TableRecord session(int partition, long offset, SessionStateKey key, SessionState value,
            Long timestamp) {
        return new TableRecord(TableTopic.SESSIONS, partition, offset, key, key.connectionId(), null, value, null,
                null, null, false, timestamp);
    }

    public static TableRecord connection(int partition, long offset, String connectionId, ConnectionState value) {
        return connection(partition, offset, connectionId, value, null);
    }

    public static TableRecord connection(int partition, long offset, String connectionId, ConnectionState value,
            Long timestamp) {
        return new TableRecord(TableTopic.CONNECTIONS, partition, offset, null, connectionId, null, null, value,
                null, null, false, timestamp);
    }

    public static TableRecord activity(int partition, long offset, SessionStateKey key, SessionActivity value,
            Long timestamp) {
        return new TableRecord(TableTopic.ACTIVITY, partition, offset, key, key.connectionId(), null, null, null,
                value, null, false, timestamp);
    }

    public static TableRecord agent(int partition, long offset, String connectionId, String agentId,
            AgentState value, Long timestamp) {
        return new TableRecord(TableTopic.AGENTS, partition, offset, null, connectionId, agentId, null, null, null,
                value, false, timestamp);
    }

    public static TableRecord rejected(TableTopic topic, int partition, long offset) {
        return new TableRecord(topic, partition, offset, null, null, null, null, null, null, null, true, null);
    }
}
