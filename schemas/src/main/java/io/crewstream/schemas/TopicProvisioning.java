package io.crewstream.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The one way crewstream's apps create topics: every missing one with the configuration its {@link Topic} defines
 * ({@link Topic#newTopic}), every existing one left exactly as it is (its partitions and configuration are the
 * operator's), and a topic some other client created in the meantime counted as existing, since several apps may
 * start at once and each provisions what it needs. What to do when provisioning fails (retry, report, give up) is
 * each caller's policy; this class only makes one bounded attempt.
 *
 * <p>Stateless and thread-safe; the {@link Admin} is the caller's, as is closing it.
 */
public final class TopicProvisioning {

    /** How long to wait between looks at a topic that was just created and is not in the metadata yet. */
    private static final long METADATA_BACKOFF_MS = 100;

    private TopicProvisioning() {
    }

    /**
     * An admin client whose every call gives up after {@code timeout}, so that one attempt cannot outlive its caller's
     * budget (Kafka's own default is a minute). Close it with {@code close(Duration.ZERO)} after a failed attempt:
     * calls still waiting for an unreachable broker are then abandoned, not waited for.
     */
    public static Admin admin(String bootstrapServers, String clientId, Duration timeout) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, clientId,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs));
    }

    /**
     * Creates those of {@code partitions}' topics that do not exist, each with its partition count and
     * {@code replication}.
     *
     * @return the full names of the topics this call created, in {@code partitions}' order (empty when all existed)
     * @throws ExecutionException if Kafka refused a topic for another reason than that it exists
     * @throws TimeoutException if Kafka did not answer within {@code timeout}
     */
    public static List<String> createMissing(Admin admin, TopicNamespace namespace, Map<Topic, Integer> partitions,
            TopicReplication replication, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<NewTopic> missing = new ArrayList<>();
        partitions.forEach((topic, count) -> {
            if (!existing.contains(namespace.name(topic))) {
                missing.add(topic.newTopic(namespace, count, replication));
            }
        });
        Map<String, KafkaFuture<Void>> creations = admin.createTopics(missing).values();
        List<String> created = new ArrayList<>();
        // In the request's order: the result's map has none.
        for (NewTopic topic : missing) {
            try {
                creations.get(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
     * The partition count of each topic, by full name, sorted; looks again, every 100 ms for about {@code timeout},
     * while a topic created a moment ago has not reached the metadata of the broker that answers.
     *
     * @throws ExecutionException if a topic does not exist after {@code timeout}, or Kafka refused the request
     */
    public static Map<String, Integer> partitionCounts(Admin admin, TopicNamespace namespace, List<Topic> topics,
            Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        List<String> names = topics.stream().map(namespace::name).toList();
        long looksLeft = Math.max(1, timeout.toMillis() / METADATA_BACKOFF_MS);
        while (true) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Map<String, Integer> counts = new TreeMap<>();
                descriptions.forEach((name, description) -> counts.put(name, description.partitions().size()));
                return counts;
            }
            catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof UnknownTopicOrPartitionException) || --looksLeft <= 0) {
                    throw ex;
                }
                Thread.sleep(METADATA_BACKOFF_MS);
            }
        }
    }
}
