package io.crewstream.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker holds of each topic, as the broker itself reports it: the bytes of the topic's log segments on
 * disk, summed over its partitions and the log directories of every broker ({@code Admin#describeLogDirs}, what
 * {@code kafka-log-dirs.sh} prints; record batches as stored, headers and batch overhead included, after any
 * producer compression), and its records (end offsets, summed over partitions; transaction markers take an offset
 * each). Two readings apart give what was written in between, as long as nothing was deleted or compacted away
 * meanwhile (retention is days; compaction leaves records younger than {@code min.compaction.lag.ms} alone).
 *
 * <p>Threading: one caller at a time; the {@link Admin} is the caller's.
 */
public final class TopicBytes {

    private static final long TIMEOUT_SECONDS = 30;

    /** One topic's reading. */
    public record Reading(long bytes, long records) {

        public Reading minus(Reading earlier) {
            return new Reading(this.bytes - earlier.bytes, this.records - earlier.records);
        }
    }

    private TopicBytes() {
    }

    /** The reading of every topic whose name {@code topics} accepts, by topic name. */
    public static Map<String, Reading> read(Admin admin, Predicate<String> topics) {
        try {
            Map<String, Long> bytes = new TreeMap<>();
            Map<TopicPartition, Long> partitions = new java.util.HashMap<>();
            var brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .map(Node::id).toList();
            Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(brokers).allDescriptions()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (Map<String, LogDirDescription> ofBroker : dirs.values()) {
                for (LogDirDescription dir : ofBroker.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                        String topic = replica.getKey().topic();
                        if (topics.test(topic)) {
                            bytes.merge(topic, replica.getValue().size(), Long::sum);
                            partitions.put(replica.getKey(), 0L);
                        }
                    }
                }
            }
            Map<String, Long> records = new TreeMap<>();
            admin.listOffsets(partitions.keySet().stream()
                    .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest())))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach((partition, end) -> records.merge(partition.topic(), end.offset(), Long::sum));
            Map<String, Reading> readings = new TreeMap<>();
            bytes.forEach((topic, size) -> readings.put(topic, new Reading(size, records.getOrDefault(topic, 0L))));
            return readings;
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("the broker did not describe its log directories: " + ex, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
