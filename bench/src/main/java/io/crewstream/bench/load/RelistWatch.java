package io.crewstream.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Sees each re-list of the ingestor end, whichever way it ends: the last chunk of a full snapshot on
 * {@code session-events}, or a {@code sessions-verified} marker on {@code session-verifications} (a re-list that
 * published only the differences, issue #16). Reads both topics from their end, so only what happens after
 * {@link #awaitPositioned()} counts; the verifications topic is read when it exists at start (ingestors before
 * issue #16 do not create it).
 *
 * <p>Threading: one own thread polls until {@link #close()}; the ends are read from any thread.
 */
public final class RelistWatch implements AutoCloseable {

    /** One re-list that ended: when this process saw it, and its reason's wire name. */
    public record End(long seenNanos, String reason, boolean fullSnapshot) {
    }

    private final List<End> ends = new ArrayList<>();

    private final CountDownLatch positioned = new CountDownLatch(1);

    private final Thread thread;

    private volatile boolean running = true;

    public RelistWatch(String bootstrapServers, TopicNamespace namespace) {
        this.thread = new Thread(() -> poll(bootstrapServers, namespace), "bench-relist-watch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public void awaitPositioned() throws InterruptedException {
        if (!this.positioned.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the re-list watch found no session-events partitions within 60 s");
        }
    }

    /** The re-lists that ended so far, in order. */
    public List<End> ends() {
        synchronized (this.ends) {
            return List.copyOf(this.ends);
        }
    }

    private void poll(String bootstrapServers, TopicNamespace namespace) {
        String events = namespace.name(Topic.SESSION_EVENTS);
        String markers = namespace.name(Topic.SESSION_VERIFICATIONS);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // The ingestor writes in transactions: a re-list ends when its marker commits, not when appended.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<String> existing = consumer.listTopics(Duration.ofSeconds(30)).keySet();
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(events, markers)) {
                if (existing.contains(topic)) {
                    consumer.partitionsFor(topic, Duration.ofSeconds(30))
                            .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            this.positioned.countDown();
            while (this.running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    End end = endOf(record, events);
                    if (end != null) {
                        synchronized (this.ends) {
                            this.ends.add(end);
                        }
                    }
                }
            }
        }
    }

    private static End endOf(ConsumerRecord<byte[], byte[]> record, String events) {
        if (record.value() == null) {
            return null;
        }
        long now = System.nanoTime();
        if (record.topic().equals(events)) {
            return ContractSerdes.sessionEvents().deserialize(events, record.value()) instanceof SnapshotChunk chunk
                    && chunk.isLast() ? new End(now, chunk.reason(), true) : null;
        }
        SessionsVerified marker = ContractSerdes.sessionVerifications().deserialize(record.topic(), record.value());
        return new End(now, marker.reason(), false);
    }

    @Override
    public void close() throws InterruptedException {
        this.running = false;
        this.thread.join(10_000);
    }
}
