package io.crewstream.testsupport.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a whole topic, every partition from the beginning up to the end offsets at the time of the call, without a
 * consumer group. What a test needs to compare a topic's content with what it expects.
 */
public final class TopicReader {

    private TopicReader() {
    }

    public static <K, V> List<ConsumerRecord<K, V>> readAll(KafkaBroker broker, String topic,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, "topic-reader-" + UUID.randomUUID(),
                // Read-committed: a test sees what a transactional pipeline really published, not aborted attempts.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // Reading must never create the topic it reads (a misspelt name would then look empty).
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keyDeserializer, valueDeserializer)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> partitions = partitionsOf(consumer, topic, timeout, deadline);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " up to " + end + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * A topic that does not exist has no partitions; reading it as empty would let a test with a misspelt topic
     * name pass an absence check, so a missing topic is an error (after waiting for one just being created).
     */
    private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic, Duration timeout,
            long deadline) {
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (!infos.isEmpty()) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
                return partitions;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topic " + topic + " does not exist (no partitions within " + timeout
                        + ")");
            }
            pause();
        }
    }

    /** Between metadata look-ups; there is no notification for "a topic appeared" to wait on instead. */
    private static void pause() {
        try {
            Thread.sleep(100);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a topic", ex);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }
}
