package io.crewstream.ssegateway.state;

import java.util.List;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionState;

/**
 * A change the table made, with the position right after it. Immutable.
 *
 * <p>A session's change may come from its own row ({@link TableTopic#SESSIONS}) or from its activity
 * ({@link TableTopic#ACTIVITY}): either way it carries the session as it is now, with its activity.
 *
 * @param sessionKey the session that changed; null for a gateway or agent change
 * @param session the session's new state; null when it was removed or for a gateway or agent change
 * @param previous the session's state before the change; null when it was created
 * @param activity the session's activity after the change; null while none is known
 * @param connection the gateway's new state; null when removed or for a session or agent change
 * @param agent the agent's new state; null when it was removed or for a session or gateway change
 * @param previousAgent the agent's state before the change; null when it is new
 * @param agentsAfter for {@link Kind#AGENT_REMOVED}: every agent left in the table, in table order (the removal is
 *     told as the whole list, since the contract has no removal event for agents); empty otherwise
 * @param recordTimestamp the Kafka timestamp of the record that made the change; null when unknown
 */
public record TableChange(Kind kind, TableTopic topic, int partition, long offset, Position positionAfter,
        String connectionId, SessionStateKey sessionKey, SessionState session, SessionState previous,
        SessionActivity activity, ConnectionState connection, AgentState agent, AgentState previousAgent,
        List<AgentState> agentsAfter, Long recordTimestamp) {

    public enum Kind {
        SESSION_CREATED, SESSION_UPDATED, SESSION_REMOVED, GATEWAY_CHANGED, GATEWAY_REMOVED, AGENT_UPDATED,
        AGENT_REMOVED;

        public boolean ofSession() {
            return this == SESSION_CREATED || this == SESSION_UPDATED || this == SESSION_REMOVED;
        }

        public boolean ofAgent() {
            return this == AGENT_UPDATED || this == AGENT_REMOVED;
        }
    }

    public TableChange {
        agentsAfter = List.copyOf(agentsAfter);
    }

    static TableChange ofSession(Kind kind, TableRecord record, Position positionAfter, SessionState session,
            SessionState previous, SessionActivity activity) {
        return new TableChange(kind, record.topic(), record.partition(), record.offset(), positionAfter,
                record.connectionId(), record.sessionKey(), session, previous, activity, null, null, null, List.of(),
                record.timestamp());
    }

    static TableChange ofGateway(Kind kind, TableRecord record, Position positionAfter) {
        return new TableChange(kind, record.topic(), record.partition(), record.offset(), positionAfter,
                record.connectionId(), null, null, null, null, record.connection(), null, null, List.of(),
                record.timestamp());
    }

    static TableChange ofAgent(Kind kind, TableRecord record, Position positionAfter, AgentState previous,
            List<AgentState> agentsAfter) {
        return new TableChange(kind, record.topic(), record.partition(), record.offset(), positionAfter,
                record.connectionId(), null, null, null, null, null, record.agent(), previous, agentsAfter,
                record.timestamp());
    }

    /**
     * The agent of the change: of the agent that changed, or of the session from its latest known row; null for
     * gateway changes or rows without an agent.
     */
    public String agentId() {
        if (this.kind.ofAgent()) {
            return (this.agent != null ? this.agent : this.previousAgent).agentId();
        }
        SessionState known = this.session != null ? this.session : this.previous;
        return known == null ? null : known.session().agentId();
    }

    /**
     * Epoch ms at which the upstream change reached the pipeline; null when unknown. A removal is a tombstone with no
     * value to carry {@code observedAt}: the record timestamp the projector wrote for it stands in. So it does for
     * activity and agent rows, which carry no {@code observedAt}: the projector's record inherits the timestamp of the
     * run event it folded, which the ingestor set when it received the frame.
     */
    public Long observedAt() {
        if (this.topic == TableTopic.ACTIVITY || this.topic == TableTopic.AGENTS) {
            return this.recordTimestamp;
        }
        if (this.session != null) {
            return this.session.observedAt();
        }
        if (this.connection != null) {
            return this.connection.observedAt();
        }
        return (this.kind == Kind.SESSION_REMOVED) ? this.recordTimestamp : null;
    }
}
