package io.crewstream.local.kafka;

import java.time.Duration;
import java.util.List;

import io.crewstream.projector.streams.ProjectorStreams;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.runtime.TopicPlan;
import io.crewstream.runtime.TopicProvisioner;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;

/**
 * Creates every crewstream topic that is missing, before any app starts, through the one provisioning path the apps
 * use ({@link TopicProvisioner}): then no app races another to create a topic, and the topics the projector joins
 * are sure to have one partition count (checked too, for topics kept from an earlier run). Existing topics are left
 * as they are. One attempt: the launcher reports a failure and stops, it does not wait for Kafka.
 */
public final class TopicSetup {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaSettings kafka;

    public TopicSetup(String bootstrapServers, TopicNamespace namespace, int partitions,
            TopicReplication replication) {
        this.kafka = new KafkaSettings(bootstrapServers, namespace.prefix(), partitions, replication.factor(),
                replication.minInsyncReplicas());
    }

    /** Every topic of the catalogue, all with the run's partition count; the projector's inputs co-partitioned. */
    static TopicPlan plan(int partitions) {
        return TopicPlan.empty().withCoPartitioned(partitions, ProjectorStreams.TOPICS.inputs())
                .with(partitions, List.of(Topic.values()));
    }

    /**
     * @return the names of the topics this call created (empty when all existed)
     * @throws IllegalStateException if Kafka could not be reached, refused a topic, or the projector's inputs have
     *     different partition counts
     */
    public List<String> createMissing() {
        try {
            return new TopicProvisioner(this.kafka, "local", TIMEOUT).provisionOnce(plan(this.kafka.partitions()));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the crewstream topics", ex);
        }
    }
}
