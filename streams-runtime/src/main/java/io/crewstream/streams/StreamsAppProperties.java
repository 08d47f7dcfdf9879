package io.crewstream.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The settings every Kafka Streams app of crewstream has, whatever else it has; each app's properties record
 * implements this, so its configuration keys stay its own ({@code crewstream.projector.*},
 * {@code crewstream.agent-usage.*}). Where Kafka is, the topic namespace, partitions and replication are shared by
 * every app ({@link io.crewstream.runtime.KafkaSettings}, {@code crewstream.kafka.*}), not here. Implementations are
 * immutable.
 */
public interface StreamsAppProperties {

    /** Kafka Streams {@code application.id}: consumer group, transactional id prefix, internal topics' prefix. */
    String applicationId();

    /** This instance's stable name in the consumer group (static membership); empty for dynamic membership. */
    String instanceId();

    /** {@code exactly_once_v2} or {@code at_least_once}. */
    String processingGuarantee();

    /** How often Kafka Streams commits. */
    Duration commitInterval();

    /** Where the local state stores live. */
    Path stateDir();

    /** Stream threads of this instance. */
    int streamThreads();

    /** How long {@code stop()} waits for Kafka Streams to close cleanly. */
    Duration closeTimeout();

    /** How long one attempt to provision the topics waits for Kafka before it is retried. */
    Duration provisioningTimeout();

    /**
     * How long the committed offset of an input partition with records waiting may stand still, while Kafka Streams
     * runs and evidently tries, before the app counts as stalled ({@link ProgressWatch}) and its health is DOWN.
     */
    Duration stallTimeout();

    /** Further Kafka Streams settings, applied last. */
    Map<String, String> streamsProperties();
}
