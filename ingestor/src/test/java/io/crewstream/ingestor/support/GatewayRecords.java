package io.crewstream.ingestor.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the ingestor instances sharing the gateways wrote, one gateway at a time, each record with the instance that
 * wrote it (its {@link CloudEvents#WRITER_HEADER} header). Read {@code read_committed}, as the projector and every
 * other consumer reads: what a fenced writer had not committed is not there. Every ingestor topic is keyed by
 * connection id, so one gateway's records of a topic share a partition and their order is the topic's. Every
 * method reads its topics anew.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class GatewayRecords {

    /** Every topic the ingestor writes. */
    public static final List<Topic> WRITTEN = List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS,
            Topic.RAW_FRAMES, Topic.RUN_EVENTS, Topic.AGENT_LISTS, Topic.SESSION_VERIFICATIONS);

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final KafkaBroker broker;
    private final TopicNamespace namespace;

    public GatewayRecords(KafkaBroker broker, TopicNamespace namespace) {
        this.broker = broker;
        this.namespace = namespace;
    }

    /**
     * One record of one gateway.
     *
     * @param writer the {@code ce_crewstreamwriter} header; null when the record has none
     * @param timestamp the record's timestamp (the producer's clock when it was sent, not when it was committed)
     */
    public record Written<T>(Topic topic, int partition, long offset, long timestamp, String writer, T value) {
    }

    /** Whether the ingestor's topics exist yet (the first instance to start creates them). */
    public boolean topicsExist() {
        return this.broker.topicNames().containsAll(WRITTEN.stream().map(this.namespace::name).toList());
    }

    /** Each gateway's statuses, restatements included, in order. */
    public Map<String, List<Written<ConnectionStatusEvent>>> statuses() {
        return read(Topic.CONNECTION_STATUS, ContractSerdes.connectionStatus());
    }

    /** Each gateway's latest status. */
    public Map<String, ConnectionStatusEvent> latestStatuses() {
        Map<String, ConnectionStatusEvent> latest = new LinkedHashMap<>();
        statuses().forEach((gateway, statuses) -> latest.put(gateway, statuses.get(statuses.size() - 1).value()));
        return latest;
    }

    /** Each gateway's session events, in order. */
    public Map<String, List<Written<SessionEvent>>> sessionEvents() {
        return read(Topic.SESSION_EVENTS, ContractSerdes.sessionEvents());
    }

    /**
     * Each gateway's sessions as a reader that folds its session events ends up with (what the projector's table
     * holds for it once caught up): gateway → session key → label.
     */
    public Map<String, Map<String, String>> labels() {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        sessionEvents().forEach((gateway, events) -> {
            Map<String, String> sessions = new TreeMap<>();
            KafkaOutput.fold(events.stream().map(Written::value).toList())
                    .forEach((key, row) -> sessions.put(key, row.label()));
            labels.put(gateway, sessions);
        });
        return labels;
    }

    /** Each gateway's records of {@code topic}, in order, values left as bytes. */
    public Map<String, List<Written<byte[]>>> records(Topic topic) {
        return read(topic, new ByteArrayDeserializer());
    }

    /** The writer of each of each gateway's records of {@code topic}, in order. */
    public Map<String, List<String>> writers(Topic topic) {
        Map<String, List<String>> writers = new LinkedHashMap<>();
        records(topic).forEach((gateway, records) -> writers.put(gateway,
                records.stream().map(Written::writer).toList()));
        return writers;
    }

    /**
     * The writers in order, each run of one writer's consecutive records as one entry: {@code [a, a, b, b, a]} is
     * {@code [a, b, a]}, where {@code a} came back after {@code b} had taken over.
     */
    public static List<String> runs(List<String> writers) {
        List<String> runs = new ArrayList<>();
        for (String writer : writers) {
            if (runs.isEmpty() || !Objects.equals(runs.get(runs.size() - 1), writer)) {
                runs.add(writer);
            }
        }
        return runs;
    }

    /**
     * The end of every partition of the ingestor's topics now, committed or not: a record at or past it was
     * written after this call.
     */
    public Map<TopicPartition, Long> endOffsets() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, "end-offsets-" + UUID.randomUUID(),
                // The log's end, not the last stable offset: the end of what anyone had written.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic topic : WRITTEN) {
                String name = this.namespace.name(topic);
                consumer.partitionsFor(name, READ_TIMEOUT)
                        .forEach(info -> partitions.add(new TopicPartition(name, info.partition())));
            }
            return consumer.endOffsets(partitions, READ_TIMEOUT);
        }
    }

    /** The topic's name in this namespace. */
    public String name(Topic topic) {
        return this.namespace.name(topic);
    }

    /** The topic's records by key (gateway), each gateway's in topic order. */
    private <T> Map<String, List<Written<T>>> read(Topic topic, Deserializer<T> values) {
        Map<String, List<Written<T>>> byGateway = new TreeMap<>();
        for (ConsumerRecord<String, T> record : TopicReader.readAll(this.broker, this.namespace.name(topic),
                new StringDeserializer(), values, READ_TIMEOUT)) {
            Header writer = record.headers().lastHeader(CloudEvents.WRITER_HEADER);
            byGateway.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(new Written<>(topic,
                    record.partition(), record.offset(), record.timestamp(),
                    writer == null ? null : new String(writer.value(), StandardCharsets.UTF_8), record.value()));
        }
        return byGateway;
    }
}
