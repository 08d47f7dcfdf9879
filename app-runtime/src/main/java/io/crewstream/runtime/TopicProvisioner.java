package io.crewstream.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.crewstream.schemas.CoordinationTopic;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way crewstream's apps (and the local launcher) provision topics: every missing topic of a
 * {@link TopicPlan} created with the configuration its {@link Topic} defines ({@link Topic#newTopic}: compaction for
 * the tables, retention for the rest) and the app's replication, every existing one left exactly as it is (its
 * partitions and configuration are the operator's), a topic another client created meanwhile counted as existing
 * (several apps may start at once), then each co-partitioned group of the plan checked for one partition count.
 *
 * <p>Reported the same way for every app: each created topic at INFO, each failed attempt at WARN with the attempt's
 * number, the wait before the next and the reason, and topics that are not co-partitioned as
 * {@link NotCoPartitionedException}, which is not retried: trying again does not fix a configuration error.
 *
 * <p>Threading: {@link #provisionOnce} and {@link #provision} run on the caller's thread and block it; one thread at
 * a time per instance. {@link #provision} ends when its thread is interrupted ({@link InterruptedException}).
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    /** How long to wait between looks at a topic that was just created and is not in the metadata yet. */
    private static final long METADATA_POLL_MS = 100;

    private final KafkaSettings kafka;
    private final String appId;
    private final Duration timeout;

    /**
     * @param kafka the cluster, the topic namespace and the replication of created topics
     * @param appId the app's short name, e.g. {@code projector}: in its admin client's id and in every report
     * @param timeout how long one attempt waits for Kafka before it fails
     */
    public TopicProvisioner(KafkaSettings kafka, String appId, Duration timeout) {
        this.kafka = kafka;
        this.appId = appId;
        this.timeout = timeout;
    }

    /** Told of each failed attempt before the wait that follows it. */
    @FunctionalInterface
    public interface FailedAttempts {

        void failed(int attempt, Duration retryIn, String reason);
    }

    /**
     * Attempts until one succeeds, waiting {@code backoff.next()} after each failed one.
     *
     * @return the names of the topics created
     * @throws NotCoPartitionedException if a co-partitioned group has different partition counts (not retried)
     * @throws InterruptedException when the calling thread is interrupted, while waiting for Kafka or between
     *     attempts
     */
    public List<String> provision(TopicPlan plan, ReconnectBackoff backoff, FailedAttempts failures)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return provisionOnce(plan);
            }
            catch (NotCoPartitionedException ex) {
                throw ex;
            }
            catch (ProvisioningFailedException ex) {
                Duration wait = backoff.next();
                log.warn("Could not provision the topics of {} (attempt {}), trying again in {} ms: {}", this.appId,
                        attempt, wait.toMillis(), ex.getMessage());
                failures.failed(attempt, wait, ex.getMessage());
                Thread.sleep(wait.toMillis());
            }
        }
    }

    /**
     * One attempt: every call to Kafka in it gives up after the timeout.
     *
     * @return the names of the topics this attempt created, in the plan's order (empty when all existed)
     * @throws NotCoPartitionedException if a co-partitioned group has different partition counts
     * @throws ProvisioningFailedException if Kafka could not be reached (its address not resolving included), refused
     *     a topic, or (for a plan that only checks) a topic is missing
     * @throws InterruptedException if the calling thread is interrupted while waiting for Kafka
     */
    public List<String> provisionOnce(TopicPlan plan) throws InterruptedException {
        Admin admin;
        try {
            admin = admin(this.kafka.bootstrapServers(), "crewstream-" + this.appId + "-admin", this.timeout);
        }
        catch (KafkaException ex) {
            // E.g. no bootstrap address resolves yet (a DNS name not published yet): may well work next time.
            throw new ProvisioningFailedException("Cannot reach Kafka at " + this.kafka.bootstrapServers() + ": "
                    + ex.getMessage() + (ex.getCause() != null ? " (" + ex.getCause().getMessage() + ")" : ""), ex);
        }
        try {
            List<String> created = new ArrayList<>(plan.create() ? createMissing(admin, plan.partitions()) : List.of());
            if (plan.create()) {
                created.addAll(createOrGrow(admin, plan.coordination()));
            }
            created.forEach(name -> log.info("Created topic {} for {}", name, this.appId));
            for (List<Topic> group : plan.coPartitioned()) {
                requireCoPartitioned(partitionCounts(admin, group));
            }
            return created;
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(ex.getCause());
            }
            throw new ProvisioningFailedException("Could not provision the topics of " + this.appId + " on "
                    + this.kafka.bootstrapServers() + ": " + ex.getCause(), ex);
        }
        catch (TimeoutException ex) {
            throw noAnswer(ex);
        }
        catch (KafkaException ex) {
            throw new ProvisioningFailedException("Could not provision the topics of " + this.appId + " on "
                    + this.kafka.bootstrapServers() + ": " + ex, ex);
        }
        finally {
            // Calls still waiting for an unreachable broker are abandoned, not waited for.
            admin.close(Duration.ZERO);
        }
    }

    /**
     * An admin client whose every call gives up after {@code timeout}, so that one attempt cannot outlive its
     * caller's budget (Kafka's own default is a minute). Close it with {@code close(Duration.ZERO)} after a failed
     * attempt: calls still waiting for an unreachable broker are then abandoned, not waited for.
     */
    public static Admin admin(String bootstrapServers, String clientId, Duration timeout) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, clientId,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs));
    }

    private List<String> createMissing(Admin admin, Map<Topic, Integer> partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicNamespace namespace = this.kafka.namespace();
        Set<String> existing = admin.listTopics().names().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<NewTopic> missing = new ArrayList<>();
        partitions.forEach((topic, count) -> {
            if (!existing.contains(namespace.name(topic))) {
                missing.add(topic.newTopic(namespace, count, this.kafka.replication()));
            }
        });
        Map<String, KafkaFuture<Void>> creations = admin.createTopics(missing).values();
        List<String> created = new ArrayList<>();
        // In the request's order: the result's map has none.
        for (NewTopic topic : missing) {
            try {
                creations.get(topic.name()).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(topic.name());
            }
            catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex;
                }
            }
        }
        return created;
    }

    /**
     * Creates each coordination topic with its minimum partition count when missing, and grows one that has fewer
     * (Kafka can only add partitions). A coordination topic holds no records, so it needs no retention settings.
     *
     * @return the names of the topics created (not those grown)
     */
    private List<String> createOrGrow(Admin admin, Map<CoordinationTopic, Integer> minimums)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (minimums.isEmpty()) {
            return List.of();
        }
        TopicNamespace namespace = this.kafka.namespace();
        Set<String> existing = admin.listTopics().names().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<String> created = new ArrayList<>();
        for (Map.Entry<CoordinationTopic, Integer> entry : minimums.entrySet()) {
            String name = namespace.name(entry.getKey());
            int minimum = entry.getValue();
            if (!existing.contains(name)) {
                NewTopic topic = new NewTopic(name, minimum, this.kafka.replication().factor())
                        .configs(this.kafka.replication().topicConfigs());
                try {
                    admin.createTopics(List.of(topic)).all().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(name);
                    continue;
                }
                catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
            int count = partitionCounts(admin, name).get(name);
            if (count < minimum) {
                admin.createPartitions(Map.of(name, NewPartitions.increaseTo(minimum))).all()
                        .get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
                log.info("Grew topic {} for {} from {} to {} partitions", name, this.appId, count, minimum);
            }
        }
        return created;
    }

    /**
     * The partition count of each topic, by full name, sorted; looks again, every 100 ms for about the timeout, while
     * a topic created a moment ago has not reached the metadata of the broker that answers.
     */
    private Map<String, Integer> partitionCounts(Admin admin, List<Topic> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        return partitionCounts(admin, topics.stream().map(this.kafka.namespace()::name).toArray(String[]::new));
    }

    private Map<String, Integer> partitionCounts(Admin admin, String... topicNames)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> names = List.of(topicNames);
        long looksLeft = Math.max(1, this.timeout.toMillis() / METADATA_POLL_MS);
        while (true) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                        .get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
                Map<String, Integer> counts = new TreeMap<>();
                descriptions.forEach((name, description) -> counts.put(name, description.partitions().size()));
                return counts;
            }
            catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw ex;
                }
                if (--looksLeft <= 0) {
                    throw new ProvisioningFailedException("Not every topic of " + names + " exists on "
                            + this.kafka.bootstrapServers() + " (" + ex.getCause().getMessage() + ")", ex);
                }
                Thread.sleep(METADATA_POLL_MS);
            }
        }
    }

    private ProvisioningFailedException noAnswer(Throwable cause) {
        return new ProvisioningFailedException("No answer from Kafka at " + this.kafka.bootstrapServers()
                + " within " + this.timeout.toMillis() + " ms", cause);
    }

    private void requireCoPartitioned(Map<String, Integer> counts) {
        if (counts.values().stream().distinct().count() > 1) {
            StringBuilder listed = new StringBuilder();
            counts.forEach((name, count) -> listed.append(' ').append(name).append('=').append(count));
            String message = "The topics " + counts.keySet() + " must have the same number of partitions, so that "
                    + "one task sees all records of a connection, but they have:" + listed;
            log.error("{}: {}", this.appId, message);
            throw new NotCoPartitionedException(message);
        }
    }

    /** An attempt failed for a reason that trying again may fix: Kafka unreachable, a topic refused or missing. */
    public static final class ProvisioningFailedException extends IllegalStateException {

        ProvisioningFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Topics that must be co-partitioned are not: a configuration error that trying again does not fix. */
    public static final class NotCoPartitionedException extends IllegalStateException {

        NotCoPartitionedException(String message) {
            super(message);
        }
    }
}
