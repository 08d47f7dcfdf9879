package io.crewstream.agentusage.streams;

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
 * Makes sure the topic the app reads and the one it writes exist, creating a missing one with its contract
 * configuration ({@link TopicProvisioning}): the session-state table compacted, as the projector would create it (so
 * that the app may start first), and the usage topic with its 30 days' retention. An existing topic is left as it is.
 * Internal topics are Kafka Streams' business.
 *
 * <p>One {@link #provision()} is one attempt: every call to Kafka in it gives up after the attempt timeout, and the
 * caller decides whether to try again. Not thread-safe; one thread calls it at a time.
 */
public final class TopicProvisioner {

    /** What the app reads and writes. */
    static final List<Topic> TOPICS = List.of(Topic.SESSION_STATE, Topic.AGENT_USAGE);

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
     * @return the names of the topics this attempt created
     * @throws IllegalStateException if Kafka could not be reached or refused a topic within the timeout
     * @throws InterruptedException if the calling thread is interrupted while waiting for Kafka
     */
    public List<String> provision() throws InterruptedException {
        Admin admin = TopicProvisioning.admin(this.bootstrapServers, "crewstream-agent-usage-admin", this.timeout);
        try {
            Map<Topic, Integer> topics = new LinkedHashMap<>();
            TOPICS.forEach(topic -> topics.put(topic, this.partitions));
            List<String> created = TopicProvisioning.createMissing(admin, this.namespace, topics,
                    this.replicationFactor, this.timeout);
            created.forEach(name -> log.info("Created topic {}", name));
            return created;
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(ex.getCause());
            }
            throw new IllegalStateException("Could not provision the agent-usage topics on " + this.bootstrapServers
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
}
