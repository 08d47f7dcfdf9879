package io.crewstream.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;

/**
 * The settings every Kafka Streams app of crewstream has, whatever else it has; each app's properties record
 * implements this, so its configuration keys stay its own ({@code crewstream.projector.*},
 * {@code crewstream.agent-usage.*}). Implementations are immutable.
 */
public interface StreamsAppProperties {

    /** The Kafka cluster. */
    String bootstrapServers();

    /** Kafka Streams {@code application.id}: consumer group, transactional id prefix, internal topics' prefix. */
    String applicationId();

    /** This instance's stable name in the consumer group (static membership); empty for dynamic membership. */
    String instanceId();

    /** The prefix in front of every topic name. */
    TopicNamespace namespace();

    /** Partitions of the topics the app creates when they are missing. */
    int partitions();

    /**
     * Replication factor and {@code min.insync.replicas} of those topics and of the internal topics (changelogs,
     * repartition topics).
     */
    TopicReplication replication();

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
