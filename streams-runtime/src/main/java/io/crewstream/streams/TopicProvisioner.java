package io.crewstream.streams;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicProvisioning;
import io.crewstream.schemas.TopicReplication;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure every topic an app reads or writes exists, creating the missing ones with their contract configuration
 * ({@link TopicProvisioning}: compaction for the tables, retention for the rest), and, where the app needs it, that
 * its input topics have the same number of partitions. An existing topic is left as it is. Internal topics are
 * Kafka Streams' business.
 *
 * <p>One {@link #provision()} is one attempt: every call to Kafka in it gives up after the attempt timeout, and the
 * caller decides whether to try again. Not thread-safe; one thread calls it at a time.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final String bootstrapServers;
    private final TopicNamespace namespace;
    private final int partitions;
    private final TopicReplication replication;
    private final Duration timeout;
    private final String appId;
    private final AppTopics topics;

    /**
     * @param timeout how long one attempt waits for Kafka before it fails
     * @param appId the app's short name, e.g. {@code projector}: in its admin client's id and in error messages
     */
    public TopicProvisioner(String bootstrapServers, TopicNamespace namespace, int partitions,
            TopicReplication replication, Duration timeout, String appId, AppTopics topics) {
        this.bootstrapServers = bootstrapServers;
        this.namespace = namespace;
        this.partitions = partitions;
        this.replication = replication;
        this.timeout = timeout;
        this.appId = appId;
        this.topics = topics;
    }

    /**
     * @return the names of the topics this attempt created
     * @throws InputsNotCoPartitionedException if the inputs must be co-partitioned but have different partition
     *     counts, a configuration error that trying again does not fix
     * @throws IllegalStateException if Kafka could not be reached or refused a topic within the timeout
     * @throws InterruptedException if the calling thread is interrupted while waiting for Kafka
     */
    public List<String> provision() throws InterruptedException {
        Admin admin = TopicProvisioning.admin(this.bootstrapServers, "crewstream-" + this.appId + "-admin",
                this.timeout);
        try {
            Map<Topic, Integer> all = new LinkedHashMap<>();
            this.topics.inputs().forEach(topic -> all.put(topic, this.partitions));
            this.topics.outputs().forEach(topic -> all.put(topic, this.partitions));
            List<String> created = TopicProvisioning.createMissing(admin, this.namespace, all, this.replication,
                    this.timeout);
            created.forEach(name -> log.info("Created topic {}", name));
            if (this.topics.coPartitionedInputs()) {
                requireCoPartitionedInputs(TopicProvisioning.partitionCounts(admin, this.namespace,
                        this.topics.inputs(), this.timeout));
            }
            return created;
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(ex.getCause());
            }
            throw new IllegalStateException("Could not provision the topics of " + this.appId + " on "
                    + this.bootstrapServers + ": " + ex.getCause(), ex);
        }
        catch (TimeoutException ex) {
            throw noAnswer(ex);
        }
        finally {
            // Calls still waiting for an unreachable broker are abandoned, not waited for.
            admin.close(Duration.ZERO);
        }
    }

    private IllegalStateException noAnswer(Throwable cause) {
        return new IllegalStateException("No answer from Kafka at " + this.bootstrapServers + " within "
                + this.timeout.toMillis() + " ms", cause);
    }

    private void requireCoPartitionedInputs(Map<String, Integer> counts) {
        if (counts.values().stream().distinct().count() > 1) {
            StringBuilder listed = new StringBuilder();
            counts.forEach((name, count) -> listed.append(' ').append(name).append('=').append(count));
            throw new InputsNotCoPartitionedException("The input topics of " + this.appId + " must have the same "
                    + "number of partitions, so that one task sees all records of a key, but they have:" + listed);
        }
    }

    /** The input topics have different partition counts: a configuration error that trying again does not fix. */
    public static final class InputsNotCoPartitionedException extends IllegalStateException {

        InputsNotCoPartitionedException(String message) {
            super(message);
        }
    }
}
