package io.crewstream.ssegateway.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the pipeline's topics as the ingestor and the projector would (session events, connection statuses, raw
 * frames, the connection-state table), through the real broker, with each record's Kafka timestamp set by the test:
 * a timeline whose every instant the replay tests know exactly. The replay module's own {@code Timeline} is a test
 * class there, hence this one.
 */
public final class Timeline implements AutoCloseable {

    public static final int PARTITIONS = 2;

    private final TopicNamespace namespace;

    private final KafkaProducer<String, byte[]> producer;

    private Timeline(KafkaBroker broker, TopicNamespace namespace) {
        this.namespace = namespace;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(),
                new ByteArraySerializer());
    }

    /** A fresh namespace with every crewstream topic created but those in {@code missing}. */
    public static Timeline create(KafkaBroker broker, String hint, Topic... missing) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix(hint));
        broker.createTopics(List.of(Topic.values()).stream()
                .filter(topic -> !List.of(missing).contains(topic))
                .map(topic -> topic.newTopic(namespace, PARTITIONS, (short) 1)).toList());
        return new Timeline(broker, namespace);
    }

    public TopicNamespace namespace() {
        return this.namespace;
    }

    public String prefix() {
        return this.namespace.prefix();
    }

    public void event(Instant at, SessionEvent event) {
        send(Topic.SESSION_EVENTS, at, event.connectionId(), ContractSerdes.sessionEvents().serialize(null, event));
    }

    public void status(Instant at, String connectionId, UpstreamState state) {
        ConnectionStatusEvent status = ConnectionStatusEvent.of(connectionId, state,
                state == UpstreamState.CONNECTED ? null : "connection refused",
                state == UpstreamState.CONNECTED ? null : "connection_refused", at.toEpochMilli(), "2026.9.6", null,
                "ws://127.0.0.1:18789", at.toEpochMilli());
        send(Topic.CONNECTION_STATUS, at, connectionId, ContractSerdes.connectionStatus().serialize(null, status));
    }

    /** An inbound frame; {@code text} is the frame as the gateway sent it; {@code event} null for a response. */
    public void frame(Instant at, String connectionId, String event, Long seq, String text) {
        RawFrame frame = RawFrame.of(connectionId, at.toEpochMilli(), event == null ? "res" : "event", event, seq,
                text.getBytes(StandardCharsets.UTF_8).length, false, text);
        send(Topic.RAW_FRAMES, at, connectionId, ContractSerdes.rawFrames().serialize(null, frame));
    }

    /** One version of an agent's minute, as the agent-usage app writes it (at the minute's start). */
    public void usage(AgentUsageMinute minute) {
        send(Topic.AGENT_USAGE, Instant.ofEpochMilli(minute.minuteStart()), minute.key(),
                ContractSerdes.of(AgentUsageMinute.class).serialize(null, minute));
    }

    /** A record on the agent-usage topic that is not an agent's minute: what a broken or foreign writer leaves. */
    public void brokenUsage(Instant at, String key, String value) {
        send(Topic.AGENT_USAGE, at, key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The projector's row for a connection, which is how replay knows the connection exists. */
    public void known(String connectionId) {
        ConnectionState state = ConnectionState.of(connectionId, UpstreamState.CONNECTED, null, null, 1, "2026.9.6",
                null, null, 0, "ws://127.0.0.1:18789", 1);
        send(Topic.CONNECTION_STATE, Instant.now(), connectionId,
                ContractSerdes.connectionState().serialize(null, state));
    }

    /** A session row; {@code extraFields} are name, value pairs. */
    public static SessionRow row(String key, String status, String... extraFields) {
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put("key", key);
        fields.put("kind", "direct");
        fields.put("status", status);
        // Volatile: changes with every snapshot and must never count as a change.
        fields.put("snapshotAt", System.nanoTime());
        for (int i = 0; i + 1 < extraFields.length; i += 2) {
            fields.put(extraFields[i], extraFields[i + 1]);
        }
        return SessionRow.of(fields);
    }

    /** A complete snapshot in one chunk. */
    public static SnapshotChunk snapshot(String connectionId, String snapshotId, SessionRow... rows) {
        return SnapshotChunk.of(connectionId, snapshotId, "reconciliation", 0, 1, rows.length, 1, List.of(rows));
    }

    /** Chunk {@code index} of {@code count} of a snapshot of {@code total} rows. */
    public static SnapshotChunk chunk(String connectionId, String snapshotId, int index, int count, int total,
            List<SessionRow> rows) {
        return SnapshotChunk.of(connectionId, snapshotId, "reconnect", index, count, total, 1, rows);
    }

    public static SessionUpserted upsert(String connectionId, SessionRow row, long seq) {
        return SessionUpserted.of(connectionId, "patch", seq, 1, row);
    }

    public static SessionRemoved removal(String connectionId, String sessionKey, long seq) {
        return SessionRemoved.of(connectionId, sessionKey, "delete", seq, 1);
    }

    private void send(Topic topic, Instant at, String key, byte[] value) {
        try {
            this.producer.send(new ProducerRecord<>(this.namespace.name(topic), null, at.toEpochMilli(), key, value))
                    .get(30, TimeUnit.SECONDS);
        }
        catch (Exception ex) {
            throw new IllegalStateException("Could not write to " + topic, ex);
        }
    }

    @Override
    public void close() {
        this.producer.close();
    }
}
