package io.crewstream.agentusage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.streams.StreamsAppProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the agent-usage app, bound from {@code crewstream.agent-usage.*}.
 *
 * @param bootstrapServers the Kafka cluster
 * @param applicationId Kafka Streams {@code application.id}: consumer group, transactional id prefix and prefix of
 *     the internal topics (store changelogs, the repartition topic); every instance of one app shares it
 * @param instanceId this instance's stable name in the consumer group (static membership), e.g. the host or pod
 *     name; empty for dynamic membership. With it a stopping instance hands its partitions over at once
 * @param topicPrefix prefix in front of every topic name ({@link TopicNamespace}), the same as the pipeline's
 * @param partitions partitions of the topics the app creates when they are missing (its output, and the
 *     session-state table if the projector has not created it yet)
 * @param replicationFactor replication factor of those topics and of the internal topics
 * @param minInsyncReplicas {@code min.insync.replicas} of those topics and of the internal topics; unset,
 *     {@code min(2, replicationFactor)} ({@link TopicReplication#of})
 * @param processingGuarantee {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param commitInterval how often Kafka Streams commits; under exactly-once, the longest an update of a minute
 *     waits before read-committed readers see it
 * @param stateDir where the local state stores live (default {@code <java.io.tmpdir>/crewstream-agent-usage}); they
 *     are rebuilt from their changelogs when missing
 * @param streamThreads stream threads of this instance
 * @param grace how long after a minute ends a change of that minute is still counted in it (event time); a later one
 *     is late: left out of its minute and counted in {@code lateRecords}
 * @param closeTimeout how long {@code stop()} waits for Kafka Streams to close cleanly
 * @param provisioningTimeout how long one attempt to provision the topics waits for Kafka before it is retried
 * @param stallTimeout how long the committed offset of a session-state partition with records waiting may stand
 *     still while the app evidently tries before its health is DOWN ({@code ProgressWatch} in the streams runtime)
 * @param streamsProperties further Kafka Streams settings (any {@code StreamsConfig} key, prefixed ones included),
 *     applied last; for tuning
 */
@ConfigurationProperties("crewstream.agent-usage")
public record AgentUsageProperties(
        @DefaultValue("localhost:9092") String bootstrapServers,
        @DefaultValue("crewstream-agent-usage") String applicationId,
        @DefaultValue("") String instanceId,
        @DefaultValue("") String topicPrefix,
        @DefaultValue("3") int partitions,
        @DefaultValue("1") short replicationFactor,
        Short minInsyncReplicas,
        @DefaultValue("exactly_once_v2") String processingGuarantee,
        @DefaultValue("1s") Duration commitInterval,
        Path stateDir,
        @DefaultValue("1") int streamThreads,
        @DefaultValue("2m") Duration grace,
        @DefaultValue("30s") Duration closeTimeout,
        @DefaultValue("30s") Duration provisioningTimeout,
        @DefaultValue("60s") Duration stallTimeout,
        @DefaultValue Map<String, String> streamsProperties) implements StreamsAppProperties {

    private static final String PREFIX = "crewstream.agent-usage.";

    public AgentUsageProperties {
        instanceId = instanceId == null ? "" : instanceId;
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        streamsProperties = (streamsProperties == null) ? Map.of() : Map.copyOf(streamsProperties);
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "bootstrap-servers must not be empty");
        }
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "application-id must not be empty");
        }
        if (partitions < 1 || replicationFactor < 1 || streamThreads < 1) {
            throw new IllegalArgumentException(PREFIX + "partitions, replication-factor and stream-threads must be "
                    + "at least 1 but were " + partitions + ", " + replicationFactor + " and " + streamThreads);
        }
        try {
            minInsyncReplicas = TopicReplication.of(replicationFactor, minInsyncReplicas).minInsyncReplicas();
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(PREFIX + ex.getMessage(), ex);
        }
        requirePositive(commitInterval, "commit-interval");
        requirePositive(closeTimeout, "close-timeout");
        requirePositive(provisioningTimeout, "provisioning-timeout");
        requirePositive(stallTimeout, "stall-timeout");
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException(PREFIX + "grace must not be negative but was " + grace);
        }
        if (stateDir == null) {
            stateDir = Path.of(System.getProperty("java.io.tmpdir"), "crewstream-agent-usage");
        }
        try {
            new TopicNamespace(topicPrefix);
        }
        catch (IllegalArgumentException ex) {
            // Here rather than at the first topic lookup, and with the property's name.
            throw new IllegalArgumentException(PREFIX + "topic-prefix: " + ex.getMessage(), ex);
        }
    }

    @Override
    public TopicReplication replication() {
        return new TopicReplication(this.replicationFactor, this.minInsyncReplicas);
    }

    @Override
    public TopicNamespace namespace() {
        return new TopicNamespace(this.topicPrefix);
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(PREFIX + name + " must be positive but was " + value);
        }
    }
}
