package io.crewstream.replay.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the pipeline's topics as the ingestor and the projector would, through the real broker, with each
 * record's Kafka timestamp set by the test: a timeline whose instants the test knows exactly.
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

    /** A fresh namespace with every crewstream topic created. */
    public static Timeline create(KafkaBroker broker, String hint) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix(hint));
        broker.createTopics(List.of(Topic.values()).stream()
                .map(topic -> topic.newTopic(namespace, PARTITIONS, (short) 1)).toList());
        return new Timeline(broker, namespace);
    }

    public TopicNamespace namespace() {
        return this.namespace;
    }

    public void event(Instant at, SessionEvent event) {
        send(Topic.SESSION_EVENTS, at, event.connectionId(),
                ContractSerdes.sessionEvents().serialize(null, event));
    }

    public void status(Instant at, ConnectionStatusEvent status) {
        send(Topic.CONNECTION_STATUS, at, status.connectionId(),
                ContractSerdes.connectionStatus().serialize(null, status));
    }

    /** An inbound frame; {@code text} is the frame as the gateway sent it. */
    public void frame(Instant at, String connectionId, String event, Long seq, String text) {
        RawFrame frame = RawFrame.of(connectionId, at.toEpochMilli(), event == null ? "res" : "event", event, seq,
                text.getBytes(StandardCharsets.UTF_8).length, false, text);
        send(Topic.RAW_FRAMES, at, connectionId, ContractSerdes.rawFrames().serialize(null, frame));
    }

    /** The projector's row for a connection, which is how replay knows the connection exists. */
    public void known(String connectionId) {
        ConnectionState state = ConnectionState.of(connectionId, UpstreamState.CONNECTED, null, null, 1, "2026.9.6",
                null, null, 0, "ws://127.0.0.1:18789", 1);
        send(Topic.CONNECTION_STATE, Instant.now(), connectionId,
                ContractSerdes.connectionState().serialize(null, state));
    }

    private void send(Topic topic, Instant at, String key, byte[] value) {
        try {
            this.producer.send(new ProducerRecord<>(this.namespace.name(topic), null, at.toEpochMilli(), key, value))
                    .get(10, TimeUnit.SECONDS);
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
