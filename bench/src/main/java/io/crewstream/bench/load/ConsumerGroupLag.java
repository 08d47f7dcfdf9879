package io.crewstream.bench.load;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's lag as an operator's tooling computes it: for every partition the group has committed, the
 * partition's end (the last stable offset: what a read-committed consumer can reach) minus the committed offset,
 * summed. Threading: one caller at a time; the {@link Admin} is the caller's.
 */
public final class ConsumerGroupLag {

    private static final long TIMEOUT_SECONDS = 30;

    private ConsumerGroupLag() {
    }

    /** The group's total lag in records, or -1 when it has committed nothing yet or the broker did not answer. */
    public static long of(Admin admin, String groupId) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            committed.values().removeIf(offset -> offset == null);
            if (committed.isEmpty()) {
                return -1;
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                    committed.keySet().stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest())),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
                lag += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
            }
            return lag;
        }
        catch (ExecutionException | TimeoutException ex) {
            return -1;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
