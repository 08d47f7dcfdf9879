package io.crewstream.agentusage.streams;

import java.util.List;
import java.util.Properties;

import io.crewstream.agentusage.AgentUsageProperties;
import io.crewstream.agentusage.topology.AgentUsageTopology;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.Topic;
import io.crewstream.streams.AppTopics;
import io.crewstream.streams.StreamsLifecycle;
import io.crewstream.streams.ThreadFailures;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * Owns the app's {@link KafkaStreams}, started and stopped as {@link StreamsLifecycle} starts and stops every
 * crewstream Kafka Streams app (provisioning retried while Kafka is unreachable, stream threads replaced when they
 * die): what is the app's own is its topics, its settings ({@link StreamsSettings}), its topology and its counts.
 * Its topics are created when missing: the session-state table compacted, as the projector would create it (so that
 * the app may start first), and the usage topic with its 30 days' retention.
 *
 * <p>Threading: as {@link StreamsLifecycle}; the counts may be read from any thread.
 */
public class UsageStreams extends StreamsLifecycle {

    /** What the app reads and writes. */
    static final AppTopics TOPICS = new AppTopics(List.of(Topic.SESSION_STATE), List.of(Topic.AGENT_USAGE), false);

    /** Kafka Streams' own task metric of records skipped by the exception handlers. */
    private static final String DROPPED_RECORDS_METRIC = "dropped-records-total";

    private final AgentUsageProperties properties;
    private final KafkaSettings kafka;
    private final ThreadFailures threadFailures;

    public UsageStreams(AgentUsageProperties properties, KafkaSettings kafka, ThreadFailures threadFailures) {
        super(properties, kafka, "agent-usage", "Agent usage", TOPICS, threadFailures);
        this.properties = properties;
        this.kafka = kafka;
        this.threadFailures = threadFailures;
    }

    @Override
    protected Properties settings() {
        return StreamsSettings.of(this.properties, this.kafka);
    }

    @Override
    protected Topology topology(Properties settings) {
        return new AgentUsageTopology(this.kafka.namespace(), this.properties.grace()).build();
    }

    /** Changes left out of their minute because its grace period was over, since this instance started. */
    public long lateRecordCount() {
        return metricTotal(AgentUsageTopology.METRIC_GROUP, AgentUsageTopology.LATE_RECORDS_METRIC);
    }

    /** Records skipped because they broke the contract (or hit a bug), since this instance started. */
    public long droppedRecordCount() {
        return metricTotal("stream-task-metrics", DROPPED_RECORDS_METRIC);
    }

    /** Stream threads that died and were replaced (or, for a deleted input, not), since this instance started. */
    public long streamThreadFailures() {
        return this.threadFailures.count();
    }
}
