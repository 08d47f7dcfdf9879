package io.crewstream.runtime;

import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Kafka settings every crewstream app shares, under {@code crewstream.kafka} and spelt the same for all of them,
 * so that one set of environment variables ({@code CREWSTREAM_KAFKA_BOOTSTRAPSERVERS}, …, or
 * {@code KAFKA_BOOTSTRAP_SERVERS}) configures the whole pipeline. What only one app needs stays under
 * {@code crewstream.<app>.*}. Validated when bound: a bad value stops the start with the property's name.
 *
 * @param bootstrapServers the Kafka cluster
 * @param topicPrefix {@link TopicNamespace} prefix in front of every topic name
 * @param partitions partitions of the topics an app creates when they are missing (the ingestor's raw-frames has a
 *     count of its own); the topics read together per connection must share it
 * @param replicationFactor replication factor of the topics an app creates, and of Kafka Streams' internal topics
 * @param minInsyncReplicas {@code min.insync.replicas} of those topics; unset, {@code min(2, replicationFactor)}
 *     ({@link TopicReplication#of})
 */
@ConfigurationProperties(KafkaSettings.PREFIX)
public record KafkaSettings(@DefaultValue("localhost:9092") String bootstrapServers,
        @DefaultValue("") String topicPrefix, @DefaultValue("3") int partitions,
        @DefaultValue("1") short replicationFactor, Short minInsyncReplicas) {

    public static final String PREFIX = "crewstream.kafka";

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(PREFIX + ".bootstrap-servers must not be empty");
        }
        topicPrefix = (topicPrefix == null) ? "" : topicPrefix;
        try {
            new TopicNamespace(topicPrefix);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(PREFIX + ".topic-prefix: " + ex.getMessage(), ex);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(PREFIX + ".partitions must be at least 1 but was " + partitions);
        }
        try {
            minInsyncReplicas = TopicReplication.of(replicationFactor, minInsyncReplicas).minInsyncReplicas();
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(PREFIX + "." + ex.getMessage(), ex);
        }
    }

    /** Settings for a cluster at {@code bootstrapServers} with every other setting at its default. */
    public static KafkaSettings of(String bootstrapServers, String topicPrefix) {
        return new KafkaSettings(bootstrapServers, topicPrefix, 3, (short) 1, null);
    }

    /** The prefix in front of every topic name. */
    public TopicNamespace namespace() {
        return new TopicNamespace(this.topicPrefix);
    }

    /** Replication factor and {@code min.insync.replicas} of the topics an app creates. */
    public TopicReplication replication() {
        return new TopicReplication(this.replicationFactor, this.minInsyncReplicas);
    }
}
