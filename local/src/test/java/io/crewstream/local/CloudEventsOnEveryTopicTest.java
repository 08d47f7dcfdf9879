package io.crewstream.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.crewstream.local.kafka.TopicSetup;
import io.crewstream.local.pipeline.PipelineApps;
import io.crewstream.local.pipeline.PipelineConfig;
import io.crewstream.local.support.RunningParts;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.sim.run.RunScript;
import io.crewstream.sim.run.Usage;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.crewstream.testsupport.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every record the pipeline writes carries its CloudEvents attributes, read back through the real broker after the
 * real pipeline (simulator → ingestor → Kafka → projector → agent-usage) made every kind of record: snapshots, an
 * upsert, a removal, status changes, raw frames, table rows created, updated and removed, connection rows, a dead
 * letter and usage minutes. Every topic of the contract is checked: a new one fails here until the test makes it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CloudEventsOnEveryTopicTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOKEN = "cloudevents-token";

    @TempDir
    Path state;

    private final RunningParts running = new RunningParts();

    @AfterEach
    void stopEverything() throws Exception {
        this.running.close();
    }

    @Test
    void everyRecordOfEveryTopicCarriesItsCloudEventsAttributes(KafkaBroker broker) throws Exception {
        OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        gateway.sessions().create("agent:main:one", JsonNodeFactory.instance.objectNode().put("label", "One"));
        gateway.start();
        this.running.add(gateway);
        PipelineConfig config = TestPipelines.config(broker, "cloudevents", this.state, gateway.url(), TOKEN);
        new TopicSetup(config.bootstrapServers(), config.namespace(), config.partitions(),
                TopicReplication.SINGLE).createMissing();
        this.running.start(PipelineApps.projector(config));
        this.running.start(PipelineApps.agentUsage(config));
        this.running.start(PipelineApps.ingestor(config));
        String connection = config.upstream().id();

        await().atMost(PATIENCE).until(() -> tableKeys(broker, config).contains("agent:main:one"));
        gateway.sessions().create("agent:main:two", JsonNodeFactory.instance.objectNode().put("label", "Two"));
        gateway.sessions().patch("agent:main:one", JsonNodeFactory.instance.objectNode().put("label", "One!"), null);
        // Runs, with tool calls, on both sessions: activity rows for each, then a removal's activity tombstone.
        gateway.runs().play("agent:main:two", RunScript.builder().tool("read", Duration.ofMillis(50))
                .finish(new Usage(10, 5))).join();
        await().atMost(PATIENCE).until(() -> read(broker, config, Topic.SESSION_ACTIVITY).size() >= 2);
        gateway.sessions().delete("agent:main:two");
        gateway.runs().play("agent:main:one", RunScript.builder().tool("exec", Duration.ofMillis(50))
                .finish(new Usage(10, 5))).join();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(java.util.Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.namespace().name(Topic.SESSION_EVENTS), connection,
                    "not json".getBytes(StandardCharsets.UTF_8))).get();
        }
        await().atMost(PATIENCE).until(() -> !read(broker, config, Topic.DEAD_LETTERS).isEmpty()
                && read(broker, config, Topic.SESSION_STATE).stream().anyMatch(record -> record.value() == null)
                && !read(broker, config, Topic.AGENT_USAGE).isEmpty()
                && read(broker, config, Topic.SESSION_ACTIVITY).size() >= 3
                && read(broker, config, Topic.SESSION_ACTIVITY).stream().anyMatch(record -> record.value() == null)
                && !read(broker, config, Topic.AGENT_STATE).isEmpty());

        for (Topic topic : Topic.values()) {
            Set<String> ids = new HashSet<>();
            List<ConsumerRecord<String, byte[]>> records = read(broker, config, topic);
            assertThat(records).as(topic.name()).isNotEmpty();
            for (ConsumerRecord<String, byte[]> record : records) {
                if (topic == Topic.SESSION_EVENTS && !connection.equals(record.key())) {
                    continue;
                }
                if (topic == Topic.SESSION_EVENTS && new String(record.value(), StandardCharsets.UTF_8)
                        .equals("not json")) {
                    // The test's own bad record, which the pipeline did not write.
                    continue;
                }
                CloudEvents event = CloudEvents.readFrom(record.headers())
                        .orElseThrow(() -> new AssertionError(topic + " record without attributes: " + record));
                assertThat(CloudEvents.text(record.headers(), CloudEvents.SPECVERSION_HEADER)).isEqualTo("1.0");
                assertThat(CloudEvents.text(record.headers(), CloudEvents.CONTENT_TYPE_HEADER))
                        .isEqualTo("application/json");
                assertThat(CloudEvents.text(record.headers(), CloudEvents.DATASCHEMA_HEADER))
                        .isEqualTo(topic.value().schemaId());
                assertThat(event.type().topic()).isEqualTo(topic);
                assertThat(event.type()).as(topic + " " + record).isEqualTo(expectedType(topic, record));
                assertThat(event.time()).isBefore(Instant.now().plusSeconds(1));
                assertThat(ids.add(event.id())).as("unique id " + event.id() + " on " + topic).isTrue();
                // A dead letter's record may have no valid key: it names no connection.
                assertThat(event.source()).as(topic + " " + record).isEqualTo(CloudEvents.source(component(topic),
                        topic == Topic.DEAD_LETTERS ? null : connection));
                if (topic == Topic.SESSION_STATE || topic == Topic.SESSION_ACTIVITY) {
                    assertThat(event.subject()).isEqualTo(SessionStateKey.parse(record.key()).sessionKey());
                }
                if (topic == Topic.RUN_EVENTS) {
                    assertThat(event.subject()).isEqualTo(ContractSerdes.runEvents()
                            .deserialize(null, record.value()).sessionKey());
                }
                if (topic == Topic.AGENT_STATE) {
                    assertThat(event.subject()).isEqualTo(record.key().substring(record.key().indexOf('/') + 1));
                }
                if (topic == Topic.AGENT_USAGE) {
                    assertThat(event.subject()).isEqualTo(ContractSerdes.of(AgentUsageMinute.class)
                            .deserialize(null, record.value()).agentId());
                }
            }
        }
    }

    /** Which app writes the topic; no default, so that a new topic does not compile until it is placed. */
    private static CloudEvents.Component component(Topic topic) {
        return switch (topic) {
            case SESSION_EVENTS, CONNECTION_STATUS, RAW_FRAMES, RUN_EVENTS, AGENT_LISTS, SESSION_VERIFICATIONS ->
                CloudEvents.Component.INGESTOR;
            case SESSION_STATE, CONNECTION_STATE, SESSION_ACTIVITY, AGENT_STATE, DEAD_LETTERS, SNAPSHOT_REQUESTS ->
                CloudEvents.Component.PROJECTOR;
            case AGENT_USAGE -> CloudEvents.Component.AGENT_USAGE;
        };
    }

    private static CloudEventType expectedType(Topic topic, ConsumerRecord<String, byte[]> record) {
        return switch (topic) {
            case SESSION_EVENTS -> {
                SessionEvent event = ContractSerdes.sessionEvents().deserialize(null, record.value());
                yield event instanceof SessionUpserted ? CloudEventType.SESSION_UPSERTED
                        : event instanceof SessionRemoved ? CloudEventType.SESSION_REMOVED
                        : CloudEventType.SNAPSHOT_CHUNK;
            }
            case SESSION_STATE -> record.value() == null ? CloudEventType.SESSION_STATE_REMOVED
                    : ContractSerdes.sessionState().deserialize(null, record.value()).changeType() == ChangeType.CREATED
                    ? CloudEventType.SESSION_STATE_CREATED : CloudEventType.SESSION_STATE_UPDATED;
            case CONNECTION_STATUS -> CloudEventType.CONNECTION_STATUS;
            case RAW_FRAMES -> CloudEventType.RAW_FRAME;
            case CONNECTION_STATE -> CloudEventType.CONNECTION_STATE;
            case DEAD_LETTERS -> CloudEventType.DEAD_LETTER;
            case AGENT_USAGE -> CloudEventType.AGENT_USAGE;
            case RUN_EVENTS -> switch (ContractSerdes.runEvents().deserialize(null, record.value()).kind()) {
                case RUN_STARTED -> CloudEventType.RUN_STARTED;
                case TOOL_STARTED -> CloudEventType.RUN_TOOL_STARTED;
                case TOOL_ENDED -> CloudEventType.RUN_TOOL_ENDED;
                case RUN_ENDED -> CloudEventType.RUN_ENDED;
            };
            case AGENT_LISTS -> CloudEventType.AGENTS_LISTED;
            case SESSION_VERIFICATIONS -> CloudEventType.SESSIONS_VERIFIED;
            case SNAPSHOT_REQUESTS -> CloudEventType.SNAPSHOT_REQUESTED;
            case SESSION_ACTIVITY -> record.value() == null ? CloudEventType.SESSION_ACTIVITY_REMOVED
                    : CloudEventType.SESSION_ACTIVITY_UPDATED;
            case AGENT_STATE -> record.value() == null ? CloudEventType.AGENT_STATE_REMOVED
                    : CloudEventType.AGENT_STATE_UPDATED;
        };
    }

    private static Set<String> tableKeys(KafkaBroker broker, PipelineConfig config) {
        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : read(broker, config, Topic.SESSION_STATE)) {
            String key = SessionStateKey.parse(record.key()).sessionKey();
            if (record.value() == null) {
                keys.remove(key);
            }
            else {
                keys.add(key);
            }
        }
        return keys;
    }

    private static List<ConsumerRecord<String, byte[]>> read(KafkaBroker broker, PipelineConfig config, Topic topic) {
        return TopicReader.readAll(broker, config.namespace().name(topic), new StringDeserializer(),
                new ByteArrayDeserializer(), PATIENCE);
    }

}
