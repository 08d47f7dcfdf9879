package io.crewstream.ssegateway.state;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns raw table records into {@link TableRecord}s. A record that breaks the contract (bad key, bad JSON, a value
 * whose key differs from the record key) is logged with its coordinates and the reason, counted
 * ({@code crewstream.sse.table.records.rejected}, tagged with the table's topic), and kept as a rejected record so the
 * reader moves past it instead of failing over and over. Thread-safe and stateless.
 */
final class TableRecordDecoder {

    private static final Logger logger = LoggerFactory.getLogger(TableRecordDecoder.class);

    static final String REJECTED = "crewstream.sse.table.records.rejected";

    private final ContractSerde<SessionState> sessionSerde = ContractSerdes.sessionState();

    private final ContractSerde<ConnectionState> connectionSerde = ContractSerdes.connectionState();

    private final ContractSerde<SessionActivity> activitySerde = ContractSerdes.sessionActivity();

    private final ContractSerde<AgentState> agentSerde = ContractSerdes.agentState();

    private final Map<TableTopic, Counter> rejected = new EnumMap<>(TableTopic.class);

    TableRecordDecoder(MeterRegistry meters) {
        for (TableTopic topic : TableTopic.values()) {
            this.rejected.put(topic, Counter.builder(REJECTED)
                    .tag("topic", topic.topic().baseName())
                    .description("Table records skipped because they break the contract")
                    .register(meters));
        }
    }

    /** The record's timestamp; null when the producer set none (a negative timestamp means "none" in Kafka). */
    private static Long timestamp(ConsumerRecord<byte[], byte[]> record) {
        return (record.timestamp() >= 0) ? record.timestamp() : null;
    }

    TableRecord decode(TableTopic topic, ConsumerRecord<byte[], byte[]> record) {
        try {
            String key = (record.key() != null) ? new String(record.key(), StandardCharsets.UTF_8) : null;
            return switch (topic) {
                case SESSIONS -> session(key, record);
                case CONNECTIONS -> connection(key, record);
                case ACTIVITY -> activity(key, record);
                case AGENTS -> agent(key, record);
            };
        }
        catch (ContractViolationException | IllegalArgumentException ex) {
            this.rejected.get(topic).increment();
            logger.warn("Skipping record {}-{}@{} that breaks the contract: {}", record.topic(), record.partition(),
                    record.offset(), ex.getMessage());
            return TableRecord.rejected(topic, record.partition(), record.offset());
        }
    }

    private TableRecord session(String key, ConsumerRecord<byte[], byte[]> record) {
        SessionStateKey sessionKey = SessionStateKey.parse(key);
        SessionState value = this.sessionSerde.deserialize(record.topic(), record.value());
        if (value != null && !value.key().equals(sessionKey)) {
            throw new IllegalArgumentException("value is for '" + value.key() + "'");
        }
        return TableRecord.session(record.partition(), record.offset(), sessionKey, value, timestamp(record));
    }

    private TableRecord connection(String key, ConsumerRecord<byte[], byte[]> record) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("no connection id as key");
        }
        ConnectionState value = this.connectionSerde.deserialize(record.topic(), record.value());
        if (value != null && !value.connectionId().equals(key)) {
            throw new IllegalArgumentException("value is for connection '" + value.connectionId() + "'");
        }
        return TableRecord.connection(record.partition(), record.offset(), key, value, timestamp(record));
    }

    private TableRecord activity(String key, ConsumerRecord<byte[], byte[]> record) {
        SessionStateKey sessionKey = SessionStateKey.parse(key);
        SessionActivity value = this.activitySerde.deserialize(record.topic(), record.value());
        if (value != null && !value.key().equals(sessionKey)) {
            throw new IllegalArgumentException("value is for '" + value.key() + "'");
        }
        return TableRecord.activity(record.partition(), record.offset(), sessionKey, value, timestamp(record));
    }

    private TableRecord agent(String key, ConsumerRecord<byte[], byte[]> record) {
        AgentState.Key parts = AgentState.Key.parse(key);
        String connectionId = parts.connectionId();
        String agentId = parts.agentId();
        AgentState value = this.agentSerde.deserialize(record.topic(), record.value());
        if (value != null && !value.key().equals(key)) {
            throw new IllegalArgumentException("value is for '" + value.key() + "'");
        }
        return TableRecord.agent(record.partition(), record.offset(), connectionId, agentId, value,
                timestamp(record));
    }
}
