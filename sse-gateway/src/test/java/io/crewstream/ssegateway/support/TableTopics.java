package io.crewstream.ssegateway.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.records.ActivityError;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.AgentTool;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the projector's tables (session state, connection state, session activity, agent state) the way the
 * projector does: through the real broker, with the contract's serdes and keys. The tests play the projector with it.
 */
public final class TableTopics implements AutoCloseable {

    public static final int SESSION_PARTITIONS = 3;

    public static final int CONNECTION_PARTITIONS = 2;

    public static final int ACTIVITY_PARTITIONS = 3;

    public static final int AGENT_PARTITIONS = 2;

    private final KafkaBroker broker;

    private final TopicNamespace namespace;

    private final KafkaProducer<String, SessionState> sessions;

    private final KafkaProducer<String, ConnectionState> connections;

    private final KafkaProducer<String, SessionActivity> activities;

    private final KafkaProducer<String, AgentState> agents;

    private TableTopics(KafkaBroker broker, TopicNamespace namespace) {
        this.broker = broker;
        this.namespace = namespace;
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0);
        this.sessions = new KafkaProducer<>(config, new StringSerializer(), ContractSerdes.sessionState());
        this.connections = new KafkaProducer<>(config, new StringSerializer(), ContractSerdes.connectionState());
        this.activities = new KafkaProducer<>(config, new StringSerializer(), ContractSerdes.sessionActivity());
        this.agents = new KafkaProducer<>(config, new StringSerializer(), ContractSerdes.agentState());
    }

    /** A fresh namespace with every table topic created. */
    public static TableTopics create(KafkaBroker broker, String hint) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix(hint));
        TableTopics topics = new TableTopics(broker, namespace);
        topics.createTopics();
        return topics;
    }

    /** Writes to the tables of a namespace whose topics exist already (e.g. a {@link Timeline}'s). */
    public static TableTopics in(KafkaBroker broker, TopicNamespace namespace) {
        return new TableTopics(broker, namespace);
    }

    /** A fresh namespace whose topics do not exist yet (see {@link #createTopics()}). */
    public static TableTopics withoutTopics(KafkaBroker broker, String hint) {
        return new TableTopics(broker, new TopicNamespace(broker.uniquePrefix(hint)));
    }

    public void createTopics() {
        this.broker.createTopics(List.of(
                Topic.SESSION_STATE.newTopic(this.namespace, SESSION_PARTITIONS, (short) 1),
                Topic.CONNECTION_STATE.newTopic(this.namespace, CONNECTION_PARTITIONS, (short) 1),
                Topic.SESSION_ACTIVITY.newTopic(this.namespace, ACTIVITY_PARTITIONS, (short) 1),
                Topic.AGENT_STATE.newTopic(this.namespace, AGENT_PARTITIONS, (short) 1)));
    }

    public String prefix() {
        return this.namespace.prefix();
    }

    public static SessionRow row(String key, long updatedAt, String... extraFields) {
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put("key", key);
        fields.put("kind", "direct");
        fields.put("updatedAt", updatedAt);
        fields.put("sessionId", "sid-" + key);
        fields.put("totalTokens", updatedAt % 1000);
        for (int i = 0; i + 1 < extraFields.length; i += 2) {
            fields.put(extraFields[i], extraFields[i + 1]);
        }
        return SessionRow.of(fields);
    }

    public void upsert(String connectionId, SessionRow row, ChangeType changeType, long revision) {
        SessionState state = SessionState.of(connectionId, changeType, revision, System.currentTimeMillis(), row);
        send(this.sessions, Topic.SESSION_STATE, state.key().format(), state);
    }

    public void created(String connectionId, String key) {
        upsert(connectionId, row(key, System.currentTimeMillis()), ChangeType.CREATED, 1);
    }

    public void updated(String connectionId, String key, long updatedAt) {
        upsert(connectionId, row(key, updatedAt), ChangeType.UPDATED, 2);
    }

    public void removed(String connectionId, String key) {
        send(this.sessions, Topic.SESSION_STATE, new SessionStateKey(connectionId, key).format(), null);
    }

    /** A connection state without a snapshot yet ({@code lastSnapshotAt} null): as just after connecting. */
    public void connection(String connectionId, UpstreamState state) {
        connection(connectionId, state, null);
    }

    /** A connection state as after a complete snapshot taken at {@code lastSnapshotAt} (null: none yet). */
    public void connection(String connectionId, UpstreamState state, Long lastSnapshotAt) {
        long now = System.currentTimeMillis();
        ConnectionState value = ConnectionState.of(connectionId, state,
                state == UpstreamState.CONNECTED ? null : "connect refused",
                state == UpstreamState.CONNECTED ? null : "ECONNREFUSED", now, "2026.9.6", null, lastSnapshotAt,
                null, "ws://127.0.0.1:18789", now);
        send(this.connections, Topic.CONNECTION_STATE, connectionId, value);
    }

    /** A connected gateway's row whose link the ingestor instance {@code owner} holds. */
    public void connectionOwnedBy(String connectionId, String owner) {
        long now = System.currentTimeMillis();
        ConnectionState value = ConnectionState.of(connectionId, UpstreamState.CONNECTED, null, null, now,
                "2026.9.6", null, now, 0, "ws://127.0.0.1:18789", now).withOwner(owner);
        send(this.connections, Topic.CONNECTION_STATE, connectionId, value);
    }

    /**
     * A connected gateway's row as the projector writes it from a status the ingestor promises to restate every
     * {@code statusIntervalMs}, last heard at {@code observedAt}.
     */
    public void restatedConnection(String connectionId, long statusIntervalMs, long observedAt) {
        ConnectionState value = ConnectionState.of(connectionId, UpstreamState.CONNECTED, null, null, observedAt,
                "2026.9.6", observedAt, observedAt, 0, "ws://127.0.0.1:18789", observedAt, statusIntervalMs);
        send(this.connections, Topic.CONNECTION_STATE, connectionId, value);
    }

    /** Writes a session's activity row, as the projector does after folding a run event. */
    public void activity(SessionActivity activity) {
        send(this.activities, Topic.SESSION_ACTIVITY, activity.key().format(), activity);
    }

    /** The activity tombstone the projector writes when a session is removed. */
    public void activityRemoved(String connectionId, String sessionKey) {
        send(this.activities, Topic.SESSION_ACTIVITY, new SessionStateKey(connectionId, sessionKey).format(), null);
    }

    /** Writes an agent's row. */
    public void agent(AgentState agent) {
        send(this.agents, Topic.AGENT_STATE, agent.key(), agent);
    }

    /** The tombstone of an agent its gateway no longer lists and that has no session. */
    public void agentRemoved(String connectionId, String agentId) {
        send(this.agents, Topic.AGENT_STATE, AgentState.key(connectionId, agentId), null);
    }

    /** A session's activity with no run in progress (after {@code lastError}, if not null). */
    public static SessionActivity idle(String connectionId, String sessionKey, long revision,
            ActivityError lastError) {
        return activity(connectionId, sessionKey, ActivityState.IDLE, null, null, null, lastError, revision);
    }

    /** A session whose run {@code runId} is in progress with no tool running. */
    public static SessionActivity thinking(String connectionId, String sessionKey, String runId, long revision) {
        return activity(connectionId, sessionKey, ActivityState.THINKING, runId, null, null, null, revision);
    }

    /** A session running {@code toolName} in run {@code runId}. */
    public static SessionActivity runningTool(String connectionId, String sessionKey, String runId, String toolName,
            long revision) {
        return activity(connectionId, sessionKey, ActivityState.RUNNING_TOOL, runId, toolName, 1L, null, revision);
    }

    /** A session whose last run just failed with {@code kind}. */
    public static SessionActivity error(String connectionId, String sessionKey, String runId, String kind,
            long revision) {
        return activity(connectionId, sessionKey, ActivityState.ERROR, null, null, null,
                new ActivityError(kind, 1_795_398_390_000L, runId, null), revision);
    }

    private static SessionActivity activity(String connectionId, String sessionKey, ActivityState state,
            String runId, String toolName, Long runningTools, ActivityError lastError, long revision) {
        // Fixed times: a restated row must be equal to the one before it but for revision and updatedAt.
        return new SessionActivity(SchemaVersion.CURRENT, connectionId, sessionKey, agentOf(sessionKey), state,
                1_795_398_400_000L, runId, toolName, runningTools, lastError, null, revision,
                System.currentTimeMillis());
    }

    /** The agent of a session key {@code agent:<agentId>:<rest>}. */
    private static String agentOf(String sessionKey) {
        String[] parts = sessionKey.split(":");
        return parts.length > 1 ? parts[1] : null;
    }

    /** An agent its gateway lists, with its sessions counted by activity. */
    public static AgentState agent(String connectionId, String agentId, ActivityState status,
            AgentSessionCounts sessions, AgentTool currentTool, ActivityError lastError, long revision) {
        AgentInfo info = new AgentInfo(agentId, agentId.substring(0, 1).toUpperCase() + agentId.substring(1), null,
                null, null, null, "anthropic/claude-sonnet-4");
        return new AgentState(SchemaVersion.CURRENT, connectionId, agentId, info, true, "main".equals(agentId),
                "agent:" + agentId + ":main", status, sessions, currentTool, lastError, revision,
                System.currentTimeMillis());
    }

    /** Writes raw bytes to the session-state topic, to play a broken producer. */
    public void rawSessionRecord(String key, String json) {
        rawRecord(Topic.SESSION_STATE, key, json);
    }

    /** Writes raw bytes to a table topic, to play a broken producer. */
    public void rawRecord(Topic topic, String key, String json) {
        try (KafkaProducer<String, String> raw = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            send(raw, topic, key, json);
        }
    }

    private <V> void send(KafkaProducer<String, V> producer, Topic topic, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(this.namespace.name(topic), key, value)).get(30, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Could not write to " + topic, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() {
        this.sessions.close();
        this.connections.close();
        this.activities.close();
        this.agents.close();
    }
}
