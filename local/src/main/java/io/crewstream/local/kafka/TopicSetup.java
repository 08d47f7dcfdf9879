package io.crewstream.local.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every crewstream topic that is missing, with the contract's configuration ({@link Topic#newTopic}), before
 * any app starts: then no app races another to create a topic, and the session-events and connection-status topics
 * are sure to have the same partition count, which the projector needs. Existing topics are left as they are.
 */
public final class TopicSetup {

    private static final long TIMEOUT_SECONDS = 30;

    private final String bootstrapServers;
    private final TopicNamespace namespace;
    private final int partitions;
    private final short replicationFactor;

    public TopicSetup(String bootstrapServers, TopicNamespace namespace, int partitions, short replicationFactor) {
        this.bootstrapServers = bootstrapServers;
        this.namespace = namespace;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** @return the names of the topics this call created (empty when all existed) */
    public List<String> createMissing() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic topic : Topic.values()) {
                if (!existing.contains(this.namespace.name(topic))) {
                    missing.add(topic.newTopic(this.namespace, this.partitions, this.replicationFactor));
                }
            }
            List<String> created = new ArrayList<>();
            for (var creation : admin.createTopics(missing).values().entrySet()) {
                try {
                    creation.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(creation.getKey());
                }
                catch (ExecutionException ex) {
                    // Someone else created it in between: that is all we wanted.
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
            return created;
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
