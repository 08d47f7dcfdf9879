package io.crewstream.projector.streams;

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
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure every topic the projector reads or writes exists, creating the missing ones with their contract
 * configuration ({@link Topic#configs()}: compaction for the tables), and that the two input topics have the same
 * number of partitions, which the projector needs to see all of a connection's records in one task. Internal
 * changelog topics are Kafka Streams' business.
 */
public final class TopicProvisioner {

    /** What the projector reads. */
    static final List<Topic> INPUTS = List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS);

    /** What the projector writes. */
    static final List<Topic> OUTPUTS = List.of(Topic.SESSION_STATE, Topic.CONNECTION_STATE, Topic.DEAD_LETTERS);

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private static final long TIMEOUT_SECONDS = 30;

    private static final long METADATA_BACKOFF_MS = 100;

    private final String bootstrapServers;
    private final TopicNamespace namespace;
    private final int partitions;
    private final short replicationFactor;

    public TopicProvisioner(String bootstrapServers, TopicNamespace namespace, int partitions,
            short replicationFactor) {
        this.bootstrapServers = bootstrapServers;
        this.namespace = namespace;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** @throws IllegalStateException if the topics cannot be created or the inputs are not co-partitioned */
    public void provision() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers))) {
            createMissing(admin);
            requireCoPartitionedInputs(admin);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Could not provision the projector's topics on " + this.bootstrapServers
                    + ": " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while provisioning the projector's topics", ex);
        }
    }

    private void createMissing(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (Topic topic : all()) {
            if (!existing.contains(this.namespace.name(topic))) {
                missing.add(topic.newTopic(this.namespace, this.partitions, this.replicationFactor));
            }
        }
        for (Map.Entry<String, KafkaFuture<Void>> creation : admin.createTopics(missing).values().entrySet()) {
            try {
                creation.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                log.info("Created topic {}", creation.getKey());
            }
            catch (ExecutionException ex) {
                // Another app (the ingestor, another projector instance) created it in the meantime: fine.
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex;
                }
            }
        }
    }

    private void requireCoPartitionedInputs(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> names = INPUTS.stream().map(this.namespace::name).toList();
        Map<String, TopicDescription> descriptions = describeOnceVisible(admin, names);
        long distinctCounts = descriptions.values().stream()
                .mapToInt(description -> description.partitions().size())
                .distinct()
                .count();
        if (distinctCounts > 1) {
            StringBuilder counts = new StringBuilder();
            descriptions.forEach((name, description) -> counts.append(' ').append(name).append('=')
                    .append(description.partitions().size()));
            throw new IllegalStateException("The projector's input topics must have the same number of partitions, "
                    + "so that one task sees all of a connection's records, but they have:" + counts);
        }
    }

    private static Map<String, TopicDescription> describeOnceVisible(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw ex;
                }
                // A topic just created reaches the metadata of the broker that answers a moment later.
                Thread.sleep(METADATA_BACKOFF_MS);
            }
        }
    }

    private static List<Topic> all() {
        List<Topic> all = new ArrayList<>(INPUTS);
        all.addAll(OUTPUTS);
        return all;
    }
}
