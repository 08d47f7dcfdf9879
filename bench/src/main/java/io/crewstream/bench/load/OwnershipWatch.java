package io.crewstream.bench.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows which ingestor instance owns each gateway, as a downstream reader sees it ({@code read_committed}): the
 * statuses on connection-status and the ends of snapshots on session-events, each with the instance that wrote it
 * ({@link CloudEvents#WRITER_HEADER}) and the moment ({@link System#nanoTime()}) it became readable here. Reads the
 * topics from their beginning, so that the latest status of each gateway is known whenever it started.
 *
 * <p>Threading: one own thread polls until {@link #close()}; the queries may be called from any thread.
 */
public final class OwnershipWatch implements AutoCloseable {

    /** What a record said about its gateway's owner. */
    public enum Kind {
        /** A {@code connected} status. */
        CONNECTED,
        /** The last chunk of a snapshot: the table is whole again. */
        SNAPSHOT_END
    }

    /** One record, readable from {@code nanos} on. */
    public record Seen(String gateway, String writer, Kind kind, long nanos) {
    }

    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final List<Seen> seen = new ArrayList<>();
    private final Map<String, ConnectionStatusEvent> latest = new HashMap<>();
    private volatile boolean running = true;
    private long lastChangeNanos = System.nanoTime();

    public OwnershipWatch(String bootstrapServers, TopicNamespace namespace) {
        this.thread = new Thread(() -> poll(bootstrapServers, namespace), "bench-ownership-watch");
        this.thread.setDaemon(true);
    }

    public void start() {
        this.thread.start();
    }

    /** Waits until the watch has read what the topics held when it started. */
    public void awaitCaughtUp(Duration timeout) throws InterruptedException {
        if (!this.caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the ownership watch did not read its topics within " + timeout);
        }
    }

    /** The gateway's latest status. */
    public synchronized Optional<ConnectionStatusEvent> latest(String gateway) {
        return Optional.ofNullable(this.latest.get(gateway));
    }

    /**
     * The first record of {@code kind} for the gateway readable after {@code afterNanos} and not written by
     * {@code notBy}.
     */
    public synchronized Optional<Seen> first(String gateway, Kind kind, long afterNanos, String notBy) {
        return this.seen.stream().filter(seen -> seen.gateway().equals(gateway) && seen.kind() == kind
                && seen.nanos() - afterNanos > 0 && !notBy.equals(seen.writer())).findFirst();
    }

    /** The first record of {@code kind} for the gateway written by {@code by}, readable after {@code afterNanos}. */
    public synchronized Optional<Seen> firstBy(String gateway, Kind kind, long afterNanos, String by) {
        return this.seen.stream().filter(seen -> seen.gateway().equals(gateway) && seen.kind() == kind
                && seen.nanos() - afterNanos > 0 && by.equals(seen.writer())).findFirst();
    }

    /** When a status that is news (not a restatement of its gateway's previous one) was last read. */
    public synchronized long lastChangeNanos() {
        return this.lastChangeNanos;
    }

    private void poll(String bootstrapServers, TopicNamespace namespace) {
        String statusTopic = namespace.name(Topic.CONNECTION_STATUS);
        String eventsTopic = namespace.name(Topic.SESSION_EVENTS);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(statusTopic, eventsTopic)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (this.running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    Header header = record.headers().lastHeader(CloudEvents.WRITER_HEADER);
                    String writer = (header == null) ? null : new String(header.value(), StandardCharsets.UTF_8);
                    if (record.topic().equals(statusTopic)) {
                        status(record.key(), writer, ContractSerdes.connectionStatus()
                                .deserialize(statusTopic, record.value()), now);
                    }
                    else if (ContractSerdes.sessionEvents().deserialize(eventsTopic, record.value())
                            instanceof SnapshotChunk chunk && chunk.isLast()) {
                        add(new Seen(record.key(), writer, Kind.SNAPSHOT_END, now));
                    }
                }
                if (this.caughtUp.getCount() > 0 && end.entrySet().stream()
                        .allMatch(entry -> consumer.position(entry.getKey()) >= entry.getValue())) {
                    this.caughtUp.countDown();
                }
            }
        }
    }

    private synchronized void status(String gateway, String writer, ConnectionStatusEvent status, long nanos) {
        ConnectionStatusEvent previous = this.latest.put(gateway, status);
        if (!status.restates(previous)) {
            this.lastChangeNanos = nanos;
        }
        if (status.state() == UpstreamState.CONNECTED) {
            this.seen.add(new Seen(gateway, writer, Kind.CONNECTED, nanos));
        }
    }

    private synchronized void add(Seen record) {
        this.seen.add(record);
    }

    @Override
    public void close() throws InterruptedException {
        this.running = false;
        this.thread.join(10_000);
    }
}
