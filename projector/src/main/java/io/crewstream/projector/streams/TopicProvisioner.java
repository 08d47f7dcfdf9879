package io.crewstream.projector.streams;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicProvisioning;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure every topic the projector reads or writes exists, creating the missing ones with their contract
 * configuration ({@link TopicProvisioning}: compaction for the tables), and that the two input topics have the same
 * number of partitions, which the projector needs to see all of a connection's records in one task. Internal
 * changelog topics are Kafka Streams' business.
 *
 * <p>One {@link #provision()} is one attempt: every call to Kafka in it gives up after the attempt timeout, and the
 * caller decides whether to try again. Not thread-safe; one thread calls it at a time.
 */
public final class TopicProvisioner {

    /** What the projector reads. */
    static final List<Topic> INPUTS = List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS);

    /** What the projector writes. */
    static final List<Topic> OUTPUTS = List.of(Topic.SESSION_STATE, Topic.CONNECTION_STATE, Topic.DEAD_LETTERS);

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final String bootstrapServers;
    private final TopicNamespace namespace;
    private final int partitions;
    private final short replicationFactor;
    private final Duration timeout;

    /**
     * @param timeout how long one attempt waits for Kafka before it fails
     */
    public TopicProvisioner(String bootstrapServers, TopicNamespace namespace, int partitions,
            short replicationFactor, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.namespace = namespace;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.timeout = timeout;
    }

    /**
     * @throws InputsNotCoPartitionedException if the input topics have different partition counts, a configuration
     *     error that trying again does not fix
     * @throws IllegalStateException if Kafka could not be reached or refused a topic within the timeout
     * @throws InterruptedException if the calling thread is interrupted while waiting for Kafka
     */
    public void provision() throws InterruptedException {
        Admin admin = TopicProvisioning.admin(this.bootstrapServers, "crewstream-projector-admin", this.timeout);
        try {
            Map<Topic, Integer> all = new LinkedHashMap<>();
            INPUTS.forEach(topic -> all.put(topic, this.partitions));
            OUTPUTS.forEach(topic -> all.put(topic, this.partitions));
            for (String created : TopicProvisioning.createMissing(admin, this.namespace, all, this.replicationFactor,
                    this.timeout)) {
                log.info("Created topic {}", created);
            }
            requireCoPartitionedInputs(TopicProvisioning.partitionCounts(admin, this.namespace, INPUTS,
                    this.timeout));
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(ex.getCause());
            }
            throw new IllegalStateException("Could not provision the projector's topics on " + this.bootstrapServers
                    + ": " + ex.getCause(), ex);
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

    private static void requireCoPartitionedInputs(Map<String, Integer> counts) {
        if (counts.values().stream().distinct().count() > 1) {
            StringBuilder listed = new StringBuilder();
            counts.forEach((name, count) -> listed.append(' ').append(name).append('=').append(count));
            throw new InputsNotCoPartitionedException("The projector's input topics must have the same number of "
                    + "partitions, so that one task sees all of a connection's records, but they have:" + listed);
        }
    }

    /** The input topics have different partition counts: a configuration error that trying again does not fix. */
    public static final class InputsNotCoPartitionedException extends IllegalStateException {

        InputsNotCoPartitionedException(String message) {
            super(message);
        }
    }
}
