package io.crewstream.streams;

import java.util.List;

import io.crewstream.runtime.TopicPlan;
import io.crewstream.schemas.Topic;

/**
 * The topics an app reads and writes, which {@link io.crewstream.runtime.TopicProvisioner} makes sure exist before the app starts.
 * Internal topics (changelogs, repartition topics) are Kafka Streams' business and not listed.
 *
 * @param inputs what the app reads
 * @param outputs what the app writes
 * @param coPartitionedInputs whether the inputs must have the same number of partitions, as a topology that joins
 *     them needs to see all records of one key in one task
 */
public record AppTopics(List<Topic> inputs, List<Topic> outputs, boolean coPartitionedInputs) {

    public AppTopics {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** What to provision: every topic with {@code partitions} partitions, the inputs co-partitioned if they must be. */
    public TopicPlan plan(int partitions) {
        TopicPlan plan = this.coPartitionedInputs ? TopicPlan.empty().withCoPartitioned(partitions, this.inputs)
                : TopicPlan.empty().with(partitions, this.inputs);
        return plan.with(partitions, this.outputs);
    }
}
