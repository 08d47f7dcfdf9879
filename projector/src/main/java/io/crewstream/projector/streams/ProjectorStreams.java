package io.crewstream.projector.streams;

import java.util.List;
import java.util.Properties;

import io.crewstream.projector.ProjectorProperties;
import io.crewstream.projector.topology.DiscardedSnapshots;
import io.crewstream.projector.topology.ProjectorTopology;
import io.crewstream.projector.topology.OwnerChanges;
import io.crewstream.projector.topology.SessionVerifications;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.Topic;
import io.crewstream.streams.AppTopics;
import io.crewstream.streams.StreamsLifecycle;
import io.crewstream.streams.ThreadFailures;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * Owns the projector's {@link KafkaStreams}, started and stopped as {@link StreamsLifecycle} starts and stops every
 * crewstream app (provisioning retried while Kafka is unreachable, stream threads replaced when they die): what is
 * the projector's own is its topics, its settings ({@link StreamsSettings}), its topology and its dead-letter count.
 * Its five inputs must be co-partitioned: input topics with different partition counts are reported and not retried.
 *
 * <p>Threading: as {@link StreamsLifecycle}; {@link #deadLetterCount()} may be called from any thread.
 */
public class ProjectorStreams extends StreamsLifecycle {

    /** What the projector reads (co-partitioned, keyed by connection id) and writes. */
    public static final AppTopics TOPICS = new AppTopics(List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS,
            Topic.RUN_EVENTS, Topic.AGENT_LISTS, Topic.SESSION_VERIFICATIONS), List.of(Topic.SESSION_STATE,
                    Topic.CONNECTION_STATE, Topic.SESSION_ACTIVITY, Topic.AGENT_STATE, Topic.DEAD_LETTERS,
                    Topic.SNAPSHOT_REQUESTS), true);

    private final ProjectorProperties properties;
    private final KafkaSettings kafka;
    private final DiscardedSnapshots discardedSnapshots;
    private final SessionVerifications verifications;
    private final OwnerChanges ownerChanges;

    public ProjectorStreams(ProjectorProperties properties, KafkaSettings kafka,
            DiscardedSnapshots discardedSnapshots, SessionVerifications verifications, OwnerChanges ownerChanges,
            ThreadFailures threadFailures) {
        super(properties, kafka, "projector", "Projector", TOPICS, threadFailures);
        this.properties = properties;
        this.kafka = kafka;
        this.discardedSnapshots = discardedSnapshots;
        this.verifications = verifications;
        this.ownerChanges = ownerChanges;
    }

    @Override
    protected Properties settings() {
        return StreamsSettings.of(this.properties, this.kafka);
    }

    @Override
    protected Topology topology(Properties settings) {
        return new ProjectorTopology(this.kafka.namespace(), this.properties.applicationId(),
                this.discardedSnapshots, StreamsSettings.maxRecordBytes(settings),
                this.properties.activity().errorHold(), this.verifications, this.ownerChanges).build();
    }

    /** How many records this instance has sent to the dead-letter topic since it started. */
    public long deadLetterCount() {
        return metricTotal(ProjectorTopology.METRIC_GROUP, ProjectorTopology.DEAD_LETTERS_METRIC);
    }
}
