package io.crewstream.replay.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.crewstream.schemas.TopicNamespace;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where replay reads: a Kafka cluster, the topic namespace of the pipeline, and how long a call to Kafka may take
 * before Kafka counts as unreachable. Consumers are made here, one per question, without a consumer group: replay
 * never commits, and never shows up as a group another team has to wonder about.
 *
 * @param clientProperties further consumer settings (security, for a real cluster), applied last
 */
public record ReplaySource(String bootstrapServers, TopicNamespace namespace, Duration timeout,
        Map<String, Object> clientProperties) {

    public ReplaySource {
        clientProperties = Map.copyOf(clientProperties);
    }

    public ReplaySource(String bootstrapServers, TopicNamespace namespace) {
        this(bootstrapServers, namespace, Duration.ofSeconds(10), Map.of());
    }

    /** A new consumer of raw bytes; the caller assigns partitions and closes it. */
    public KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "crewstream-replay-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The tables are written exactly-once: an aborted write is no fact, and replay never shows one.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Reading must never create the topic it asks for (a misspelt namespace would look empty).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Fetches of a few MB: large enough to stream a long stretch of one partition at the broker's pace, small
        // enough that a read which stops after one record (a timestamp, a search) does not pull 16 MB for it.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * 1024 * 1024);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
        // Replay reads what is there and stops: a fetch at the end of a partition must not wait for more (500 ms by
        // default), or every seek after one pays that wait for the fetch still in flight.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) this.timeout.toMillis());
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) this.timeout.toMillis());
        config.putAll(this.clientProperties);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
