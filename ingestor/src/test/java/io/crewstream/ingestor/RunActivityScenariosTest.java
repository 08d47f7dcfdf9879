package io.crewstream.ingestor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.runtime.TopicProvisioner;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunEventKind;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.RunUsage;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.sim.run.ErrorKind;
import io.crewstream.sim.run.RunScript;
import io.crewstream.sim.run.Usage;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.sim.session.Agent;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static io.crewstream.ingestor.UpstreamScenariosTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The ingestor application against the simulator running scripted agent runs, over a real socket and a real Kafka
 * broker: what arrives on run-events and agent-lists, in which order, with which CloudEvents attributes.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RunActivityScenariosTest {

    private static final String TOKEN = "activity-token-51c2";
    private static final String CONNECTION = "gw-1";
    private static final String SESSION = "agent:main:main";

    @TempDir
    Path folder;

    private KafkaBroker broker;
    private KafkaOutput kafka;
    private String prefix;
    private OpenClawSimulator gateway;
    private IngestorRun ingestor;

    @BeforeEach
    void setUp(KafkaBroker broker) {
        this.broker = broker;
        this.prefix = broker.uniquePrefix("activity");
        this.kafka = new KafkaOutput(broker, new TopicNamespace(this.prefix));
        this.gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        this.gateway.start();
        this.gateway.sessions().create(SESSION, UpstreamScenariosTest.fields("label", "main"));
    }

    @AfterEach
    void tearDown() {
        if (this.ingestor != null) {
            this.ingestor.close();
        }
        this.gateway.close();
    }

    @Test
    void aRunWithTwoToolCallsAndAnErrorArrivesOnRunEventsStepByStepInOrder() {
        this.ingestor = ingestor().start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.runs().play(SESSION, RunScript.builder()
                .think(Duration.ofMillis(50))
                .say("Looking at the build.")
                .tool("read", Duration.ofMillis(100))
                .failingTool("exec", Duration.ofMillis(100))
                .fail(ErrorKind.RATE_LIMIT, "429 from provider"));

        await().until(() -> this.kafka.runEvents().size() >= 7);
        List<ConsumerRecord<String, RunEvent>> records = this.kafka.runEventRecords();
        List<RunEvent> events = records.stream().map(ConsumerRecord::value).toList();
        assertThat(events).extracting(RunEvent::kind, RunEvent::toolName, RunEvent::toolError, RunEvent::outcome,
                RunEvent::errorKind).containsExactly(
                        tuple(RunEventKind.RUN_STARTED, null, null, null, null),
                        tuple(RunEventKind.TOOL_STARTED, "read", null, null, null),
                        tuple(RunEventKind.TOOL_ENDED, "read", false, null, null),
                        tuple(RunEventKind.TOOL_STARTED, "exec", null, null, null),
                        tuple(RunEventKind.TOOL_ENDED, "exec", true, null, null),
                        // The lifecycle error, then the chat error: both end the run, a reader takes the first.
                        tuple(RunEventKind.RUN_ENDED, null, null, RunOutcome.ERROR, "rate_limit"),
                        tuple(RunEventKind.RUN_ENDED, null, null, RunOutcome.ERROR, "rate_limit"));
        assertThat(events).allSatisfy(event -> {
            assertThat(event.connectionId()).isEqualTo(CONNECTION);
            assertThat(event.sessionKey()).isEqualTo(SESSION);
            assertThat(event.agentId()).isEqualTo("main");
            assertThat(event.runId()).isEqualTo(events.get(0).runId());
            assertThat(event.summary()).as("summaries are off by default").isNull();
        });
        assertThat(events.get(1).toolCallId()).isNotNull().isEqualTo(events.get(2).toolCallId());
        assertThat(records).allSatisfy(record -> assertThat(record.key()).isEqualTo(CONNECTION));
        List<CloudEvents> attributes = records.stream()
                .map(record -> CloudEvents.readFrom(record.headers()).orElseThrow()).toList();
        assertThat(attributes).extracting(CloudEvents::type).containsExactly(CloudEventType.RUN_STARTED,
                CloudEventType.RUN_TOOL_STARTED, CloudEventType.RUN_TOOL_ENDED, CloudEventType.RUN_TOOL_STARTED,
                CloudEventType.RUN_TOOL_ENDED, CloudEventType.RUN_ENDED, CloudEventType.RUN_ENDED);
        assertThat(attributes).allSatisfy(ce -> {
            assertThat(ce.subject()).isEqualTo(SESSION);
            assertThat(ce.source()).isEqualTo("/crewstream/ingestor/" + CONNECTION);
        });
        assertThat(new HashSet<>(attributes.stream().map(CloudEvents::id).toList())).hasSize(7);
    }

    @Test
    void aFinishedRunsEndCarriesTheUsageTheGatewayReportedOnItsUsageStream() {
        this.ingestor = ingestor().start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.runs().play(SESSION, RunScript.builder().tool("read", Duration.ofMillis(20))
                .finish(new Usage(1200, 300)));

        await().until(() -> ends().size() >= 2);
        // The gateway's usage stream carries the run's output tokens only; its chat final carries none.
        assertThat(ends()).extracting(RunEvent::outcome, RunEvent::usage).containsExactly(
                tuple(RunOutcome.COMPLETED, new RunUsage(null, 300L, null)),
                tuple(RunOutcome.COMPLETED, null));
        assertThat(this.kafka.runEvents()).filteredOn(event -> event.kind() != RunEventKind.RUN_ENDED)
                .extracting(RunEvent::usage).containsOnlyNulls();
    }

    @Test
    void theAgentListArrivesAfterConnectingAndAgainWhenAgentsAreAddedOrRemoved() {
        this.ingestor = ingestor().start();
        await().until(() -> this.kafka.agentLists().size() == 1);
        AgentList first = this.kafka.agentLists().get(0);
        assertThat(first.connectionId()).isEqualTo(CONNECTION);
        assertThat(first.defaultAgentId()).isEqualTo("main");
        assertThat(first.mainKey()).isEqualTo("main");
        assertThat(first.agents()).containsExactly(new AgentInfo("main", "Main", null, null, null, null,
                "openai/gpt-6-astra"));

        this.gateway.addAgent(new Agent("reviewer", "Reviewer", "anthropic", "claude-opus-5"));
        await().until(() -> this.kafka.agentLists().size() == 2);
        this.gateway.removeAgent("reviewer");
        await().until(() -> this.kafka.agentLists().size() == 3);

        List<ConsumerRecord<String, AgentList>> records = this.kafka.agentListRecords();
        assertThat(records).extracting(record -> record.value().agents().stream().map(AgentInfo::id).toList())
                .containsExactly(List.of("main"), List.of("main", "reviewer"), List.of("main"));
        assertThat(records).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(CONNECTION);
            assertThat(CloudEvents.readFrom(record.headers()).orElseThrow().type())
                    .isEqualTo(CloudEventType.AGENTS_LISTED);
        });
    }

    @Test
    void runEventsAndAgentListsShareThePartitionCountOfTheSessionEvents() throws Exception {
        this.ingestor = ingestor().start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        TopicNamespace namespace = new TopicNamespace(this.prefix);
        List<String> joined = List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS, Topic.RUN_EVENTS,
                Topic.AGENT_LISTS).stream().map(namespace::name).toList();
        try (Admin admin = TopicProvisioner.admin(this.broker.bootstrapServers(), "test", Duration.ofSeconds(10))) {
            Map<String, Integer> counts = new TreeMap<>();
            admin.describeTopics(joined).allTopicNames().get(10, TimeUnit.SECONDS)
                    .forEach((name, description) -> counts.put(name, description.partitions().size()));
            assertThat(counts).hasSize(4);
            assertThat(counts.values()).containsOnly(2);
        }
    }

    @Test
    void withSummariesOnAToolStartCarriesItsArgumentsAndAFailedRunItsMessage() {
        this.ingestor = ingestor().property("crewstream.ingestor.activity-summaries", "true").start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.runs().play(SESSION, RunScript.builder().tool("read", Duration.ofMillis(20))
                .fail(ErrorKind.CONTEXT_LENGTH, "context window exceeded"));

        await().until(() -> this.kafka.runEvents().stream().anyMatch(event -> event.kind() == RunEventKind.RUN_ENDED));
        List<RunEvent> events = this.kafka.runEvents();
        assertThat(events.stream().filter(event -> event.kind() == RunEventKind.TOOL_STARTED).findFirst()
                .orElseThrow().summary()).isEqualTo("{\"path\":\"src/main/java/Example.java\"}");
        assertThat(events.stream().filter(event -> event.kind() == RunEventKind.RUN_ENDED).findFirst().orElseThrow()
                .summary()).isEqualTo("context window exceeded");
    }

    private List<RunEvent> ends() {
        return this.kafka.runEvents().stream().filter(event -> event.kind() == RunEventKind.RUN_ENDED).toList();
    }

    private IngestorRun.Builder ingestor() {
        return IngestorRun.builder(this.broker.bootstrapServers(), this.prefix).upstream(CONNECTION,
                this.gateway.url(), TOKEN, this.folder);
    }
}
