package io.crewstream.projector.streams;

import java.time.Duration;
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

    private static final long METADATA_BACKOFF_MS = 100;

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
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, this.timeout.toMillis());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
                // A call must not outlive the attempt: the next attempt starts afresh.
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs));
        try {
            createMissing(admin);
            requireCoPartitionedInputs(admin);
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

    private void createMissing(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (Topic topic : all()) {
            if (!existing.contains(this.namespace.name(topic))) {
                missing.add(topic.newTopic(this.namespace, this.partitions, this.replicationFactor));
            }
        }
        for (Map.Entry<String, KafkaFuture<Void>> creation : admin.createTopics(missing).values().entrySet()) {
            try {
                creation.getValue().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
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
            throw new InputsNotCoPartitionedException("The projector's input topics must have the same number of partitions, "
                    + "so that one task sees all of a connection's records, but they have:" + counts);
        }
    }

    private Map<String, TopicDescription> describeOnceVisible(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + this.timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames()
                        .get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
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

    /** The input topics have different partition counts: a configuration error that trying again does not fix. */
    public static final class InputsNotCoPartitionedException extends IllegalStateException {

        InputsNotCoPartitionedException(String message) {
            super(message);
        }
    }

    private static List<Topic> all() {
        List<Topic> all = new ArrayList<>(INPUTS);
        all.addAll(OUTPUTS);
        return all;
    }
}
