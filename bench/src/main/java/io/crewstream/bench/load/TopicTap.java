package io.crewstream.bench.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    public TopicTap(String bootstrapServers, String topic, boolean readCommitted) {
        this.thread = new Thread(() -> poll(bootstrapServers, topic, readCommitted), "bench-tap-" + topic);
        this.thread.setDaemon(true);
    }

    public void start() {
        this.thread.start();
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
            while (this.running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    if (!this.recording || record.value() == null) {
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

    public Histogram stop() throws InterruptedException {
        this.running = false;
        this.thread.join(10_000);
        synchronized (this.latencyMicros) {
            return this.latencyMicros.copy();
        }
    }
}
