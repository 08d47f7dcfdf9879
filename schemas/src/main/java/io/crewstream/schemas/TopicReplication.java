package io.crewstream.schemas;

import java.util.Map;

import org.apache.kafka.common.config.TopicConfig;

/**
 * How many copies of each partition a topic crewstream creates has, and how many of them must have a record before
 * Kafka acknowledges it to a producer with {@code acks=all} ({@code min.insync.replicas}). The second is set on the
 * topic itself, so that it holds whatever the cluster's default is (Kafka's own is 1: an acknowledged record may then
 * sit on the leader alone and vanish with it).
 *
 * @param factor replicas of each partition
 * @param minInsyncReplicas replicas that must have a record before it is acknowledged; between 1 and {@code factor}
 */
public record TopicReplication(short factor, short minInsyncReplicas) {

    /** One broker, one copy: what a laptop or a test broker can hold. */
    public static final TopicReplication SINGLE = new TopicReplication((short) 1, (short) 1);

    public TopicReplication {
        if (factor < 1) {
            throw new IllegalArgumentException("replication-factor must be at least 1 but was " + factor);
        }
        if (minInsyncReplicas < 1 || minInsyncReplicas > factor) {
            throw new IllegalArgumentException("min-insync-replicas must be between 1 and the replication factor ("
                    + factor + ") but was " + minInsyncReplicas);
        }
    }

    /**
     * The replication an operator asked for, with {@code min.insync.replicas} defaulting to two where there are at
     * least two copies: then every acknowledged record is on two brokers and survives the loss of either, and with
     * three copies one broker may be down without stopping writes.
     *
     * @param minInsyncReplicas the operator's setting, or {@code null} for the default {@code min(2, factor)}
     * @throws IllegalArgumentException if the factor is below 1 or {@code minInsyncReplicas} outside 1..factor
     */
    public static TopicReplication of(short factor, Short minInsyncReplicas) {
        short min = minInsyncReplicas != null ? minInsyncReplicas : (short) Math.min(2, Math.max(1, factor));
        return new TopicReplication(factor, min);
    }

    /** The topic-level configuration that goes with it, for topics created by crewstream and by Kafka Streams. */
    public Map<String, String> topicConfigs() {
        return Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Short.toString(this.minInsyncReplicas));
    }
}
