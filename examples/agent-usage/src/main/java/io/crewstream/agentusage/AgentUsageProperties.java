package io.crewstream.agentusage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.streams.StreamsAppProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the agent-usage app, bound from {@code crewstream.agent-usage.*}. Where Kafka is, the topic prefix,
 * partitions and replication are the pipeline's shared settings ({@code crewstream.kafka.*},
 * {@link io.crewstream.runtime.KafkaSettings}).
 *
 * @param applicationId Kafka Streams {@code application.id}: consumer group, transactional id prefix and prefix of
 *     the internal topics (store changelogs, the repartition topic); every instance of one app shares it
 * @param instanceId this instance's stable name in the consumer group (static membership), e.g. the host or pod
 *     name; empty for dynamic membership. With it a stopping instance hands its partitions over at once
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
        @DefaultValue("crewstream-agent-usage") String applicationId,
        @DefaultValue("") String instanceId,
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
        streamsProperties = (streamsProperties == null) ? Map.of() : Map.copyOf(streamsProperties);
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "application-id must not be empty");
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException(PREFIX + "stream-threads must be at least 1 but was " + streamThreads);
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
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(PREFIX + name + " must be positive but was " + value);
        }
    }
}
