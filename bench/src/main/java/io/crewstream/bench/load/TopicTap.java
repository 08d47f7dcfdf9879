package io.crewstream.bench.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.crewstream.bench.client.BenchTimestamps;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Times one stage of the pipeline: reads a topic from its end and records, for every record whose value carries a
 * bench stamp, how long after the upstream change it became readable. With {@code read_committed} it sees the
 * projector's transactional output when a downstream consumer would.
 *
 * <p>Threading: one own thread polls until {@link #stop()}; the histogram is read after that.
 */
public final class TopicTap {

    private final Histogram latencyMicros = new Histogram(60_000_000L, 3);

    private final Thread thread;

    private volatile boolean running = true;

    private volatile boolean recording;

    private final CountDownLatch positioned = new CountDownLatch(1);

    private volatile long records;

    private volatile long lastRecordNanos;

    public TopicTap(String bootstrapServers, String topic, boolean readCommitted) {
        this.thread = new Thread(() -> poll(bootstrapServers, topic, readCommitted), "bench-tap-" + topic);
        this.thread.setDaemon(true);
    }

    public void start() {
        this.thread.start();
    }

    /** Waits until the tap reads from the topic's current end: everything written after this returns is seen. */
    public void awaitAssigned() throws InterruptedException {
        if (!this.positioned.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the tap found no partitions of its topic within 60 s");
        }
    }

    public void record() {
        this.recording = true;
    }

    private void poll(String bootstrapServers, String topic, boolean readCommitted) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: resolve it now, so that what is written after awaitAssigned() returns is seen.
            partitions.forEach(consumer::position);
            this.positioned.countDown();
            while (this.running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    if (!this.recording) {
                        continue;
                    }
                    // Only this thread writes them: a plain increment of the volatile is safe.
                    this.records++;
                    this.lastRecordNanos = System.nanoTime();
                    if (record.value() == null) {
                        continue;
                    }
                    long now = BenchTimestamps.nowMicros();
                    long stamp = BenchTimestamps.extract(new String(record.value(), StandardCharsets.UTF_8));
                    if (stamp > 0) {
                        synchronized (this.latencyMicros) {
                            this.latencyMicros.recordValue(Math.min(60_000_000L, Math.max(0, now - stamp)));
                        }
                    }
                }
            }
        }
    }

    /** Records (tombstones included) seen since {@link #record()}. */
    public long records() {
        return this.records;
    }

    /** {@link System#nanoTime()} when the last of them was seen; 0 before the first. */
    public long lastRecordNanos() {
        return this.lastRecordNanos;
    }

    public Histogram stop() throws InterruptedException {
        this.running = false;
        this.thread.join(10_000);
        synchronized (this.latencyMicros) {
            return this.latencyMicros.copy();
        }
    }
}
