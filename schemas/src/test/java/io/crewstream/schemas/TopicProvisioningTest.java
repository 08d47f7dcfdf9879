package io.crewstream.schemas;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The one way the apps create topics, on a real broker. */
@ExtendWith(KafkaBrokerExtension.class)
class TopicProvisioningTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void createsTheMissingTopicsWithTheirContractConfigurationAndLeavesExistingOnesAsTheyAre(KafkaBroker broker)
            throws Exception {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioning"));
        broker.createTopics(List.of(Topic.SESSION_EVENTS.newTopic(namespace, 1, (short) 1)));
        Map<Topic, Integer> wanted = new LinkedHashMap<>();
        wanted.put(Topic.SESSION_EVENTS, 4);
        wanted.put(Topic.SESSION_STATE, 2);
        wanted.put(Topic.AGENT_USAGE, 3);

        try (Admin admin = TopicProvisioning.admin(broker.bootstrapServers(), "provisioning-test", TIMEOUT)) {
            assertThat(TopicProvisioning.createMissing(admin, namespace, wanted, TopicReplication.SINGLE, TIMEOUT))
                    .containsExactly(namespace.name(Topic.SESSION_STATE), namespace.name(Topic.AGENT_USAGE));
            assertThat(TopicProvisioning.createMissing(admin, namespace, wanted, TopicReplication.SINGLE, TIMEOUT))
                    .as("a second attempt finds them all").isEmpty();

            assertThat(TopicProvisioning.partitionCounts(admin, namespace, List.copyOf(wanted.keySet()), TIMEOUT))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(namespace.name(Topic.SESSION_EVENTS), 1,
                            namespace.name(Topic.SESSION_STATE), 2, namespace.name(Topic.AGENT_USAGE), 3));
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
    void partitionCountsOfATopicThatDoesNotExistFailAfterTheTimeout(KafkaBroker broker) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioning-absent"));
        try (Admin admin = TopicProvisioning.admin(broker.bootstrapServers(), "provisioning-test", TIMEOUT)) {
            assertThatExceptionOfType(ExecutionException.class)
                    .isThrownBy(() -> TopicProvisioning.partitionCounts(admin, namespace, List.of(Topic.DEAD_LETTERS),
                            Duration.ofSeconds(2)))
                    .withCauseInstanceOf(UnknownTopicOrPartitionException.class);
        }
    }
}
