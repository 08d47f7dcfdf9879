package io.crewstream.streams;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** What an app finds and creates on a real broker before it starts. */
@ExtendWith(KafkaBrokerExtension.class)
class TopicProvisionerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The projector's topics: two inputs it joins, so co-partitioned, and three outputs. */
    private static final AppTopics JOINING = new AppTopics(List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS),
            List.of(Topic.SESSION_STATE, Topic.CONNECTION_STATE, Topic.DEAD_LETTERS), true);

    /** The agent-usage app's topics: one input, one output. */
    private static final AppTopics SINGLE_INPUT = new AppTopics(List.of(Topic.SESSION_STATE),
            List.of(Topic.AGENT_USAGE), false);

    @Test
    void createsOnlyTheMissingTopicsAndLeavesExistingOnesAlone(KafkaBroker broker) throws Exception {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioner-missing"));
        broker.createTopics(List.of(Topic.SESSION_EVENTS.newTopic(namespace, 2, (short) 1),
                Topic.CONNECTION_STATUS.newTopic(namespace, 2, (short) 1)));

        new TopicProvisioner(broker.bootstrapServers(), namespace, 3, TopicReplication.SINGLE, TIMEOUT, "test",
                JOINING).provision();

        Map<String, Integer> partitions = new TreeMap<>();
        try (Admin admin = Admin.create(broker.adminConfig())) {
            admin.describeTopics(Stream.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS, Topic.SESSION_STATE,
                    Topic.CONNECTION_STATE, Topic.DEAD_LETTERS).map(namespace::name).toList())
                    .allTopicNames().get(30, TimeUnit.SECONDS)
                    .forEach((name, description) -> partitions.put(name.substring(namespace.prefix().length()),
                            description.partitions().size()));
        }
        assertThat(partitions).containsExactlyInAnyOrderEntriesOf(Map.of(
                Topic.SESSION_EVENTS.baseName(), 2, Topic.CONNECTION_STATUS.baseName(), 2,
                Topic.SESSION_STATE.baseName(), 3, Topic.CONNECTION_STATE.baseName(), 3,
                Topic.DEAD_LETTERS.baseName(), 3));
    }

    @Test
    void refusesInputTopicsWithDifferentPartitionCounts(KafkaBroker broker) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioner-copartition"));
        broker.createTopics(List.of(Topic.SESSION_EVENTS.newTopic(namespace, 1, (short) 1),
                Topic.CONNECTION_STATUS.newTopic(namespace, 2, (short) 1)));

        assertThatIllegalStateException()
                .isThrownBy(() -> new TopicProvisioner(broker.bootstrapServers(), namespace, 2,
                        TopicReplication.SINGLE, TIMEOUT, "test", JOINING).provision())
                .isInstanceOf(TopicProvisioner.InputsNotCoPartitionedException.class)
                .withMessageContaining("same number of partitions")
                .withMessageContaining(namespace.name(Topic.SESSION_EVENTS) + "=1");
    }

    @Test
    void returnsWhatItCreatedAndNothingTheSecondTime(KafkaBroker broker) throws Exception {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("provisioner-created"));
        TopicProvisioner provisioner = new TopicProvisioner(broker.bootstrapServers(), namespace, 1,
                TopicReplication.SINGLE, TIMEOUT, "test", SINGLE_INPUT);

        assertThat(provisioner.provision()).containsExactly(namespace.name(Topic.SESSION_STATE),
                namespace.name(Topic.AGENT_USAGE));
        assertThat(provisioner.provision()).isEmpty();
    }
}
