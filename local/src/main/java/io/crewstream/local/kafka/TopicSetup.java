package io.crewstream.local.kafka;

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

/**
 * Creates every crewstream topic that is missing ({@link TopicProvisioning}), before any app starts: then no app
 * races another to create a topic, and the session-events and connection-status topics are sure to have the same
 * partition count, which the projector needs. Existing topics are left as they are.
 */
public final class TopicSetup {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final TopicNamespace namespace;
    private final int partitions;
    private final TopicReplication replication;

    public TopicSetup(String bootstrapServers, TopicNamespace namespace, int partitions,
            TopicReplication replication) {
        this.bootstrapServers = bootstrapServers;
        this.namespace = namespace;
        this.partitions = partitions;
        this.replication = replication;
    }

    /** @return the names of the topics this call created (empty when all existed) */
    public List<String> createMissing() {
        Map<Topic, Integer> all = new LinkedHashMap<>();
        for (Topic topic : Topic.values()) {
            all.put(topic, this.partitions);
        }
        try (Admin admin = TopicProvisioning.admin(this.bootstrapServers, "crewstream-local-admin", TIMEOUT)) {
            return TopicProvisioning.createMissing(admin, this.namespace, all, this.replication, TIMEOUT);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Could not create the crewstream topics on " + this.bootstrapServers
                    + ": " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the crewstream topics", ex);
        }
    }
}
