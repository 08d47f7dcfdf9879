package io.crewstream.replay.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.crewstream.replay.ReplayException;
import io.crewstream.schemas.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * One consumer's view of the pipeline's topics for one question: which partition holds a connection, where a time
 * falls on a partition, and the records between two offsets, in order. Every failure to reach Kafka becomes a
 * {@link ReplayException} with {@link ReplayException.Reason#KAFKA_UNAVAILABLE} that names the cluster.
 *
 * <p>Not thread-safe (a Kafka consumer is not): one question, one thread, then {@link #close()}.
 */
public final class TopicAccess implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final ReplaySource source;

    private final KafkaConsumer<byte[], byte[]> consumer;

    public TopicAccess(ReplaySource source) {
        this.source = source;
        this.consumer = source.consumer();
    }

    public String name(Topic topic) {
        return this.source.namespace().name(topic);
    }

    /** The partition a connection's records go to: every crewstream topic is keyed by connection id. */
    public TopicPartition partitionOf(Topic topic, String connectionId) {
        int partitions = partitions(topic).size();
        // The producers' default partitioner for a keyed record.
        return new TopicPartition(name(topic),
                Utils.toPositive(Utils.murmur2(connectionId.getBytes(StandardCharsets.UTF_8))) % partitions);
    }

    /** Whether the cluster has the topic (Kafka not answering is an error, not a no). */
    public boolean hasTopic(Topic topic) {
        String name = name(topic);
        List<PartitionInfo> infos = kafka(() -> this.consumer.partitionsFor(name, this.source.timeout()));
        return infos != null && !infos.isEmpty();
    }

    public List<TopicPartition> partitions(Topic topic) {
        String name = name(topic);
        List<PartitionInfo> infos = kafka(() -> this.consumer.partitionsFor(name, this.source.timeout()));
        if (infos == null || infos.isEmpty()) {
            throw new ReplayException(ReplayException.Reason.KAFKA_UNAVAILABLE, "Kafka at "
                    + this.source.bootstrapServers() + " has no topic " + name + " (is this the pipeline's "
                    + "cluster, with the right topic prefix?)");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return partitions;
    }

    public long beginning(TopicPartition partition) {
        assign(partition);
        return kafka(() -> this.consumer.beginningOffsets(Set.of(partition), this.source.timeout())).get(partition);
    }

    public long end(TopicPartition partition) {
        assign(partition);
        return kafka(() -> this.consumer.endOffsets(Set.of(partition), this.source.timeout())).get(partition);
    }

    /**
     * Offsets of a partition are asked with it assigned: a read-committed consumer asked about another one logs a
     * warning per answer ("not updating last stable offset ... no longer assigned").
     */
    private void assign(TopicPartition partition) {
        if (!this.consumer.assignment().equals(Set.of(partition))) {
            kafka(() -> {
                this.consumer.assign(List.of(partition));
                return null;
            });
        }
    }

    /** The first offset whose record was written at or after {@code time}; the end offset if none was. */
    public long offsetAt(TopicPartition partition, Instant time) {
        assign(partition);
        Map<TopicPartition, OffsetAndTimestamp> found = kafka(() -> this.consumer.offsetsForTimes(
                Map.of(partition, Math.max(0, time.toEpochMilli())), this.source.timeout()));
        OffsetAndTimestamp offset = found.get(partition);
        return offset == null ? end(partition) : offset.offset();
    }

    /** The Kafka timestamp of the first record at or after {@code offset} (within 1,000); null if none. */
    public Instant timestampAt(TopicPartition partition, long offset) {
        Instant[] found = new Instant[1];
        scan(partition, offset, Math.min(offset + 1_000, end(partition)), record -> {
            found[0] = Instant.ofEpochMilli(record.timestamp());
            return false;
        });
        return found[0];
    }

    /** What the partition of {@code topic} that holds {@code connectionId} still holds. */
    public RetainedRange retained(Topic topic, String connectionId) {
        return RetainedRange.of(this, partitionOf(topic, connectionId));
    }

    /**
     * The earliest time {@code partition} still holds, when retention has deleted its beginning; null when nothing
     * was ever deleted (then no time is too old). One small read at most. The one retention check: a time before it
     * is lost, whatever the question.
     */
    public Instant lostBefore(TopicPartition partition) {
        long beginning = beginning(partition);
        return beginning == 0 ? null : timestampAt(partition, beginning);
    }

    /**
     * Hands the records of {@code [from, to)} to {@code each}, in offset order, until it answers false.
     * Transaction markers and aborted records take offsets but are never handed over.
     */
    public void scan(TopicPartition partition, long from, long to, Predicate<ConsumerRecord<byte[], byte[]>> each) {
        if (from >= to) {
            return;
        }
        assign(partition);
        kafka(() -> {
            this.consumer.seek(partition, from);
            return null;
        });
        long deadline = System.nanoTime() + this.source.timeout().toNanos();
        while (kafka(() -> this.consumer.position(partition, this.source.timeout())) < to) {
            ConsumerRecords<byte[], byte[]> records = kafka(() -> this.consumer.poll(POLL));
            if (records.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new ReplayException(ReplayException.Reason.KAFKA_UNAVAILABLE, "Kafka at "
                            + this.source.bootstrapServers() + " served nothing of " + partition + " for "
                            + this.source.timeout().toSeconds() + " s");
                }
                continue;
            }
            deadline = System.nanoTime() + this.source.timeout().toNanos();
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                if (record.offset() >= to) {
                    return;
                }
                if (!each.test(record)) {
                    return;
                }
            }
        }
    }

    /** A record's key as text: on every crewstream topic, the connection id (or a derived key); null if none. */
    public static String keyOf(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    private <T> T kafka(KafkaCall<T> call) {
        try {
            return call.run();
        }
        catch (KafkaException ex) {
            throw unavailable(this.source, ex);
        }
    }

    /**
     * What a failed call to Kafka means to the person asking: the cluster does not answer, or failed. Also for a
     * reader with its own consumer ({@code tail}), so that it says so in the same words.
     */
    public static ReplayException unavailable(ReplaySource source, KafkaException ex) {
        if (ex instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new ReplayException(ReplayException.Reason.KAFKA_UNAVAILABLE, "Kafka at "
                    + source.bootstrapServers() + " does not answer (" + ex.getMessage() + ")", ex);
        }
        return new ReplayException(ReplayException.Reason.KAFKA_UNAVAILABLE, "Kafka at " + source.bootstrapServers()
                + " failed: " + ex.getMessage(), ex);
    }

    @FunctionalInterface
    private interface KafkaCall<T> {
        T run();
    }

    @Override
    public void close() {
        this.consumer.close();
    }
}
