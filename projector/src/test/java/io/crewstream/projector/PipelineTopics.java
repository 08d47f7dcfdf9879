package io.crewstream.projector;

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

/** Writes what the ingestor would write and reads back what the projector wrote, in one test's namespace. */
final class PipelineTopics implements AutoCloseable {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final KafkaBroker broker;
    private final TopicNamespace namespace;
    private final KafkaProducer<String, byte[]> producer;

    PipelineTopics(KafkaBroker broker, TopicNamespace namespace) {
        this.broker = broker;
        this.namespace = namespace;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
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
        try {
            this.producer.send(new ProducerRecord<>(this.namespace.name(topic), key, value)).get(10, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Could not send to " + topic, ex);
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
        return TopicReader.readAll(this.broker, this.namespace.name(Topic.DEAD_LETTERS), new StringDeserializer(),
                ContractSerdes.deadLetters(), READ_TIMEOUT).stream().map(ConsumerRecord::value).toList();
    }

    @Override
    public void close() {
        this.producer.close(Duration.ofSeconds(5));
    }
}
