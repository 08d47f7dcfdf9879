package io.crewstream.projector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/** Writes what the ingestor would write and reads back what the projector wrote, in one test's namespace. */
final class PipelineTopics implements AutoCloseable {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final KafkaBroker broker;
    private final TopicNamespace namespace;
    private final KafkaProducer<String, byte[]> producer;

    /** For records the default producer refuses: compressed, so the broker takes what compresses under its limit. */
    private final KafkaProducer<String, byte[]> compressing;

    PipelineTopics(KafkaBroker broker, TopicNamespace namespace) {
        this.broker = broker;
        this.namespace = namespace;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        this.compressing = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024), new StringSerializer(),
                new ByteArraySerializer());
    }

    void send(SessionEvent event) {
        String topic = this.namespace.name(Topic.SESSION_EVENTS);
        sendRaw(Topic.SESSION_EVENTS, event.connectionId(), ContractSerdes.sessionEvents().serialize(topic, event));
    }

    void send(ConnectionStatusEvent event) {
        String topic = this.namespace.name(Topic.CONNECTION_STATUS);
        sendRaw(Topic.CONNECTION_STATUS, event.connectionId(),
                ContractSerdes.connectionStatus().serialize(topic, event));
    }

    void sendRaw(Topic topic, String key, byte[] value) {
        send(this.producer, topic, key, value);
    }

    /**
     * A record over the default request limit that compresses under the broker's, as a careless producer sends,
     * written to the partition that records keyed {@code neighbour} go to.
     */
    void sendCompressed(Topic topic, String key, byte[] value, String neighbour) {
        String name = this.namespace.name(topic);
        int partitions = this.compressing.partitionsFor(name).size();
        int partition = Utils.toPositive(Utils.murmur2(neighbour.getBytes(StandardCharsets.UTF_8))) % partitions;
        send(this.compressing, new ProducerRecord<>(name, partition, key, value));
    }

    private void send(KafkaProducer<String, byte[]> producer, Topic topic, String key, byte[] value) {
        send(producer, new ProducerRecord<>(this.namespace.name(topic), key, value));
    }

    private void send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(10, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Could not send to " + record.topic(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** The session-state topic read from the start and folded to its latest value per key, as a table reader would. */
    Map<SessionStateKey, SessionState> sessionTable() {
        Map<SessionStateKey, SessionState> table = new LinkedHashMap<>();
        for (ConsumerRecord<String, SessionState> record : TopicReader.readAll(this.broker,
                this.namespace.name(Topic.SESSION_STATE), new StringDeserializer(), ContractSerdes.sessionState(),
                READ_TIMEOUT)) {
            if (record.value() == null) {
                table.remove(SessionStateKey.parse(record.key()));
            }
            else {
                table.put(SessionStateKey.parse(record.key()), record.value());
            }
        }
        return table;
    }

    Map<String, ConnectionState> connectionTable() {
        Map<String, ConnectionState> table = new LinkedHashMap<>();
        for (ConsumerRecord<String, ConnectionState> record : TopicReader.readAll(this.broker,
                this.namespace.name(Topic.CONNECTION_STATE), new StringDeserializer(),
                ContractSerdes.connectionState(), READ_TIMEOUT)) {
            table.put(record.key(), record.value());
        }
        return table;
    }

    List<DeadLetter> deadLetters() {
        return deadLetterRecords().stream().map(ConsumerRecord::value).toList();
    }

    List<ConsumerRecord<String, DeadLetter>> deadLetterRecords() {
        return TopicReader.readAll(this.broker, this.namespace.name(Topic.DEAD_LETTERS), new StringDeserializer(),
                ContractSerdes.deadLetters(), READ_TIMEOUT);
    }

    @Override
    public void close() {
        this.producer.close(Duration.ofSeconds(5));
        this.compressing.close(Duration.ofSeconds(5));
    }
}
