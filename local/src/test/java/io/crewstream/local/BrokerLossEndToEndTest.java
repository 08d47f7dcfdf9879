package io.crewstream.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.crewstream.local.apps.EmbeddedApp;
import io.crewstream.local.pipeline.PipelineApps;
import io.crewstream.local.pipeline.PipelineConfig;
import io.crewstream.local.support.RunningParts;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.sim.control.ChurnGenerator;
import io.crewstream.sim.control.ChurnPlan;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.InProcessKafkaCluster;
import io.crewstream.testsupport.kafka.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline on a three-broker cluster configured as the README's production section says (replication factor 3,
 * hence {@code min.insync.replicas} 2, on every topic the apps create and on Kafka Streams' internal topics): one
 * broker is killed while the gateway churns, and no change is lost, none comes back after its removal, and changes
 * keep arriving while the broker is down. The broker killed is the projector's group coordinator, so the consumer
 * group's coordinator and the leadership of the partitions that broker led move at the same time.
 *
 * <p>A cluster of its own, not the shared test broker: it is the one test here that kills a broker.
 */
class BrokerLossEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOKEN = "broker-loss-token";
    private static final int REPLICAS = 3;

    private final RunningParts running = new RunningParts();

    @TempDir
    Path state;

    @AfterEach
    void stopEverything() throws Exception {
        this.running.close();
    }

    @Test
    void noChangeIsLostAndThePipelineGoesOnWhenABrokerIsKilledUnderChurn() throws Exception {
        InProcessKafkaCluster cluster = this.running.add(InProcessKafkaCluster.start());
        OpenClawSimulator gateway = this.running.add(new OpenClawSimulator(SimulatorConfig.defaults(TOKEN)));
        gateway.start();
        ChurnGenerator churn = new ChurnGenerator(gateway.sessions(), new ChurnPlan(24, 10), 21);
        churn.start();
        this.running.add(churn::stop);
        PipelineConfig config = TestPipelines.withSettings(
                TestPipelines.config(cluster, "broker-loss", this.state, gateway.url(), TOKEN),
                Map.of("crewstream.kafka.replication-factor", Integer.toString(REPLICAS)));
        // No topic set-up beforehand: each app creates the topics it needs, as in production.
        this.running.start(PipelineApps.projector(config));
        EmbeddedApp ingestor = this.running.start(PipelineApps.ingestor(config));
        Table table = new Table(cluster, config);

        gateway.sessions().create("agent:main:before", fields("before the kill"));
        await().atMost(PATIENCE).until(() -> table.read().containsKey("agent:main:before"));

        int victim = groupCoordinator(cluster, config.projectorApplicationId());
        long churnBeforeKill = churn.changesApplied();
        cluster.kill(victim);
        gateway.sessions().create("agent:main:during", fields("while a broker is down"));
        gateway.sessions().delete("agent:main:before");
        await().atMost(PATIENCE).until(() -> {
            Map<String, SessionRow> rows = table.read();
            return rows.containsKey("agent:main:during") && !rows.containsKey("agent:main:before");
        });
        assertThat(churn.changesApplied()).as("the gateway churned on while the broker was down")
                .isGreaterThan(churnBeforeKill);

        cluster.restart(victim);
        gateway.sessions().create("agent:main:after", fields("after the restart"));
        await().atMost(PATIENCE).until(() -> table.read().containsKey("agent:main:after"));
        churn.stop();

        await().atMost(PATIENCE).untilAsserted(() -> assertTableEqualsTheGateway(table.read(), gateway));
        MeterRegistry meters = ingestor.bean(MeterRegistry.class);
        assertThat(meters.get("crewstream.ingestor.publish.failures").counter().count())
                .as("no record was refused: the producer's retries carried each one across the leader change")
                .isZero();
        for (Topic topic : List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS, Topic.RAW_FRAMES)) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(records(cluster, config, topic))
                    .as("records on %s: each one Kafka acknowledged to the ingestor, once", topic)
                    .isEqualTo(acknowledged(meters, topic)));
        }
        assertEveryTopicIsReplicated(cluster, config);
    }

    /** Every topic of the run: crewstream's, named with its prefix, and Kafka Streams', named after the app id. */
    private static void assertEveryTopicIsReplicated(InProcessKafkaCluster cluster, PipelineConfig config)
            throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            List<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(config.namespace().prefix())).sorted().toList();
            assertThat(names).as("the apps' topics and the projector's changelogs")
                    .contains(config.namespace().name(Topic.SESSION_EVENTS), config.namespace().name(Topic.RAW_FRAMES),
                            config.namespace().name(Topic.SESSION_STATE), config.namespace().name(Topic.DEAD_LETTERS))
                    .anyMatch(name -> name.startsWith(config.projectorApplicationId()) && name.endsWith("-changelog"));
            Collection<TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                    .get(30, TimeUnit.SECONDS).values();
            for (TopicDescription description : descriptions) {
                assertThat(description.partitions()).as("replicas of %s", description.name())
                        .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(REPLICAS));
            }
            await("the restarted broker back in every ISR").atMost(PATIENCE).until(() -> admin
                    .describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(description -> description.partitions().stream()).map(TopicPartitionInfo::isr)
                    .allMatch(isr -> isr.size() == REPLICAS));
            List<ConfigResource> resources = names.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            configs.forEach((resource, topicConfig) -> {
                ConfigEntry minInsync = topicConfig.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
                assertThat(minInsync.value()).as("min.insync.replicas of %s", resource.name()).isEqualTo("2");
                assertThat(minInsync.source()).as("set on %s itself, whatever the cluster's default",
                        resource.name()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            });
        }
    }

    private static long records(InProcessKafkaCluster cluster, PipelineConfig config, Topic topic) {
        return TopicReader.readAll(cluster, config.namespace().name(topic), new ByteArrayDeserializer(),
                new ByteArrayDeserializer(), PATIENCE).size();
    }

    /** The ingestor times each send from hand-over to acknowledgement, so the timer counts what Kafka confirmed. */
    private static long acknowledged(MeterRegistry meters, Topic topic) {
        return meters.get("crewstream.ingestor.publish.latency").tag("topic", topic.name().toLowerCase(Locale.ROOT))
                .timer().count();
    }

    private static int groupCoordinator(InProcessKafkaCluster cluster, String groupId) throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            return admin.describeConsumerGroups(List.of(groupId)).all().get(30, TimeUnit.SECONDS).get(groupId)
                    .coordinator().id();
        }
    }

    /** Every session of the gateway, each with its last change, and no other: nothing lost, nothing resurrected. */
    private static void assertTableEqualsTheGateway(Map<String, SessionRow> table, OpenClawSimulator gateway) {
        assertThat(table.keySet()).isEqualTo(gateway.sessions().keys());
        table.forEach((key, row) -> assertThat(content(row.fields())).as("row %s as the gateway has it", key)
                .isEqualTo(content(gateway.sessions().get(key).orElseThrow())));
    }

    /**
     * What a row says, as JSON read from its text (the gateway's rows hold longs where the parsed ones hold ints of
     * the same value), without the fields that change on every read ({@link SessionRow#VOLATILE_FIELDS}).
     */
    private static JsonNode content(ObjectNode row) {
        ObjectNode content = (ObjectNode) JsonMapper.shared().readTree(row.toString());
        SessionRow.VOLATILE_FIELDS.forEach(content::remove);
        return content;
    }

    private static ObjectNode fields(String label) {
        return JsonNodeFactory.instance.objectNode().put("label", label);
    }

    /** The session-state table of the test's gateway as a reader sees it: every row folded, removals applied. */
    private record Table(InProcessKafkaCluster cluster, PipelineConfig config) {

        Map<String, SessionRow> read() {
            Map<String, SessionRow> rows = new TreeMap<>();
            for (ConsumerRecord<String, byte[]> record : TopicReader.readAll(this.cluster,
                    this.config.namespace().name(Topic.SESSION_STATE), new StringDeserializer(),
                    new ByteArrayDeserializer(), PATIENCE)) {
                SessionStateKey key = SessionStateKey.parse(record.key());
                if (record.value() == null) {
                    rows.remove(key.sessionKey());
                }
                else {
                    rows.put(key.sessionKey(), ContractSerdes.sessionState().deserialize(null, record.value())
                            .session());
                }
            }
            return rows;
        }
    }
}
