package io.crewstream.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.crewstream.schemas.CoordinationTopic;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** The one topic-provisioning path, on a real broker. */
@ExtendWith(KafkaBrokerExtension.class)
class TopicProvisionerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Like the projector's: two inputs it joins, so co-partitioned, and three outputs. */
    private static TopicPlan joining(int partitions) {
        return TopicPlan.empty().withCoPartitioned(partitions, List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS))
                .with(partitions, List.of(Topic.SESSION_STATE, Topic.CONNECTION_STATE, Topic.DEAD_LETTERS));
    }

    @Test
    void createsOnlyTheMissingTopicsAndLeavesExistingOnesAlone(KafkaBroker broker) throws Exception {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioner-missing"));
        broker.createTopics(List.of(Topic.SESSION_EVENTS.newTopic(namespace, 2, (short) 1),
                Topic.CONNECTION_STATUS.newTopic(namespace, 2, (short) 1)));

        provisioner(broker, namespace).provisionOnce(joining(3));

        assertThat(partitionCounts(broker, namespace, Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS,
                Topic.SESSION_STATE, Topic.CONNECTION_STATE, Topic.DEAD_LETTERS))
                .containsExactlyInAnyOrderEntriesOf(Map.of(Topic.SESSION_EVENTS.baseName(), 2,
                        Topic.CONNECTION_STATUS.baseName(), 2, Topic.SESSION_STATE.baseName(), 3,
                        Topic.CONNECTION_STATE.baseName(), 3, Topic.DEAD_LETTERS.baseName(), 3));
    }

    @Test
    void createsEachTopicWithItsOwnPartitionCountAndItsContractConfiguration(KafkaBroker broker) throws Exception {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioner-config"));
        TopicPlan plan = TopicPlan.empty().with(2, List.of(Topic.SESSION_STATE)).with(1, List.of(Topic.RAW_FRAMES));

        provisioner(broker, namespace).provisionOnce(plan);

        assertThat(partitionCounts(broker, namespace, Topic.SESSION_STATE, Topic.RAW_FRAMES))
                .containsExactlyInAnyOrderEntriesOf(Map.of(Topic.SESSION_STATE.baseName(), 2,
                        Topic.RAW_FRAMES.baseName(), 1));
        try (Admin admin = Admin.create(broker.adminConfig())) {
            ConfigResource table = new ConfigResource(ConfigResource.Type.TOPIC, namespace.name(Topic.SESSION_STATE));
            Config config = admin.describeConfigs(List.of(table)).all().get(30, TimeUnit.SECONDS).get(table);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                    .isEqualTo(Topic.SESSION_STATE.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG));
            assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).source())
                    .as("min.insync.replicas is the topic's own, not the cluster's default")
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    @Test
    void aCoordinationTopicIsCreatedWithItsMinimumGrownWhenSmallerAndLeftAloneWhenLarger(KafkaBroker broker)
            throws Exception {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioner-coordination"));
        TopicProvisioner provisioner = provisioner(broker, namespace);
        String name = namespace.name(CoordinationTopic.INGESTOR_OWNERSHIP);

        assertThat(provisioner.provisionOnce(TopicPlan.empty().withCoordination(CoordinationTopic.INGESTOR_OWNERSHIP,
                2))).containsExactly(name);
        awaitPartitionCount(broker, name, 2);

        provisioner.provisionOnce(TopicPlan.empty().withCoordination(CoordinationTopic.INGESTOR_OWNERSHIP, 4));
        awaitPartitionCount(broker, name, 4);

        assertThat(provisioner.provisionOnce(TopicPlan.empty().withCoordination(CoordinationTopic.INGESTOR_OWNERSHIP,
                3))).isEmpty();
        assertThat(partitionCount(broker, name)).as("Kafka cannot shrink a topic; more do no harm").isEqualTo(4);
    }

    private static int partitionCount(KafkaBroker broker, String name) throws Exception {
        try (Admin admin = Admin.create(broker.adminConfig())) {
            return admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name)
                    .partitions().size();
        }
    }

    /** A topic created or grown a moment ago may not be in the answering broker's metadata yet. */
    private static void awaitPartitionCount(KafkaBroker broker, String name, int expected) {
        await().atMost(TIMEOUT).ignoreExceptions()
                .untilAsserted(() -> assertThat(partitionCount(broker, name)).isEqualTo(expected));
    }

    @Test
    void refusesCoPartitionedTopicsWithDifferentPartitionCounts(KafkaBroker broker) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioner-copartition"));
        broker.createTopics(List.of(Topic.SESSION_EVENTS.newTopic(namespace, 1, (short) 1),
                Topic.CONNECTION_STATUS.newTopic(namespace, 2, (short) 1)));

        assertThatExceptionOfType(TopicProvisioner.NotCoPartitionedException.class)
                .isThrownBy(() -> provisioner(broker, namespace).provision(joining(2), backoff(), (a, w, r) -> { }))
                .withMessageContaining("same number of partitions")
                .withMessageContaining(namespace.name(Topic.SESSION_EVENTS) + "=1");
    }

    @Test
    void returnsWhatItCreatedAndNothingTheSecondTime(KafkaBroker broker) throws Exception {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioner-created"));
        TopicProvisioner provisioner = provisioner(broker, namespace);
        TopicPlan plan = TopicPlan.empty().with(1, List.of(Topic.SESSION_STATE, Topic.AGENT_USAGE));

        assertThat(provisioner.provisionOnce(plan)).containsExactly(namespace.name(Topic.SESSION_STATE),
                namespace.name(Topic.AGENT_USAGE));
        assertThat(provisioner.provisionOnce(plan)).isEmpty();
    }

    @Test
    void aPlanThatOnlyChecksCreatesNothingAndRetriesUntilTheTopicsExist(KafkaBroker broker) throws Exception {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioner-check"));
        TopicProvisioner provisioner = new TopicProvisioner(KafkaSettings.of(broker.bootstrapServers(),
                namespace.prefix()), "test", Duration.ofSeconds(2));
        TopicPlan plan = joining(1).checkOnly();
        List<String> failures = new ArrayList<>();
        AtomicReference<List<String>> created = new AtomicReference<>();
        Thread provisioning = new Thread(() -> {
            try {
                created.set(provisioner.provision(plan, backoff(), (attempt, wait, reason) -> {
                    synchronized (failures) {
                        failures.add(attempt + ": " + reason);
                    }
                }));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        provisioning.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            synchronized (failures) {
                return failures.size() >= 2;
            }
        });
        assertThat(partitionCounts(broker, namespace)).as("nothing created").isEmpty();
        broker.createTopics(List.of(Topic.SESSION_EVENTS.newTopic(namespace, 1, (short) 1),
                Topic.CONNECTION_STATUS.newTopic(namespace, 1, (short) 1)));

        await().atMost(Duration.ofSeconds(30)).until(() -> created.get() != null);
        assertThat(created.get()).isEmpty();
        synchronized (failures) {
            assertThat(failures.get(0)).startsWith("1: ");
            assertThat(failures).anySatisfy(failure -> assertThat(failure).contains("Not every topic of",
                    namespace.name(Topic.SESSION_EVENTS)));
        }
    }

    @Test
    void anInterruptEndsTheRetriesWhileKafkaIsUnreachable() throws Exception {
        TopicProvisioner provisioner = new TopicProvisioner(KafkaSettings.of("127.0.0.1:1", ""), "test",
                Duration.ofMillis(200));
        List<Integer> attempts = new ArrayList<>();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread provisioning = new Thread(() -> {
            try {
                provisioner.provision(joining(1), backoff(), (attempt, wait, reason) -> {
                    synchronized (attempts) {
                        attempts.add(attempt);
                    }
                });
            }
            catch (Throwable ex) {
                ended.set(ex);
            }
        });
        provisioning.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            synchronized (attempts) {
                return attempts.size() >= 2;
            }
        });

        provisioning.interrupt();

        provisioning.join(10_000);
        assertThat(provisioning.isAlive()).isFalse();
        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        synchronized (attempts) {
            assertThat(attempts).startsWith(1, 2);
        }
    }

    @Test
    void anAddressThatDoesNotResolveYetIsAFailedAttemptToRetryNotAnError() {
        TopicProvisioner provisioner = new TopicProvisioner(KafkaSettings.of("kafka.invalid:9092", ""), "test",
                Duration.ofSeconds(1));

        assertThatExceptionOfType(TopicProvisioner.ProvisioningFailedException.class)
                .isThrownBy(() -> provisioner.provisionOnce(joining(1)))
                .withMessageContaining("kafka.invalid:9092");
    }

    private static ReconnectBackoff backoff() {
        return ReconnectBackoff.withJitter(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    private static TopicProvisioner provisioner(KafkaBroker broker, TopicNamespace namespace) {
        return new TopicProvisioner(KafkaSettings.of(broker.bootstrapServers(), namespace.prefix()), "test",
                TIMEOUT);
    }

    /**
     * Partition counts of {@code topics} (of every topic in the namespace when none given), by base name; waits
     * while a topic just created has not reached the metadata of the broker.
     */
    private static Map<String, Integer> partitionCounts(KafkaBroker broker, TopicNamespace namespace, Topic... topics) {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> describe(broker, namespace, topics), counts -> true);
    }

    private static Map<String, Integer> describe(KafkaBroker broker, TopicNamespace namespace, Topic... topics)
            throws Exception {
        Map<String, Integer> partitions = new TreeMap<>();
        try (Admin admin = Admin.create(broker.adminConfig())) {
            List<String> existing = (topics.length > 0) ? Stream.of(topics).map(namespace::name).toList()
                    : admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                            .filter(name -> name.startsWith(namespace.prefix())).toList();
            admin.describeTopics(existing).allTopicNames().get(30, TimeUnit.SECONDS)
                    .forEach((name, description) -> partitions.put(name.substring(namespace.prefix().length()),
                            description.partitions().size()));
        }
        return partitions;
    }
}
