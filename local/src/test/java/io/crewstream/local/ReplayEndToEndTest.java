package io.crewstream.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.crewstream.local.kafka.TopicSetup;
import io.crewstream.local.pipeline.PipelineApps;
import io.crewstream.local.pipeline.PipelineConfig;
import io.crewstream.local.support.RunningParts;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.local.tools.ToolsProbe;
import io.crewstream.replay.Replay;
import io.crewstream.replay.kafka.ReplaySource;
import io.crewstream.replay.table.ConnectionTableAt;
import io.crewstream.replay.table.HistoryEntry;
import io.crewstream.replay.table.SessionHistory;
import io.crewstream.replay.table.TableDiff;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.crewstream.testsupport.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replay over what the real pipeline wrote: an OpenClaw gateway (the simulator) → ingestor → Kafka → projector,
 * driven through a known sequence (creates, an update, a removal, a gateway outage and a reconnect), then asked
 * what the gateway sent, what the table was at five instants, what changed, and one session's history, through
 * the engine and through {@code ./crewstream}'s commands.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOKEN = "replay-e2e-token";
    private static final String ONE = "agent:main:one";
    private static final String TWO = "agent:main:two";
    private static final String THREE = "agent:main:three";

    private Path state;

    private final RunningParts running = new RunningParts();

    private KafkaBroker broker;
    private PipelineConfig config;
    private String connection;
    private Replay replay;

    private Instant beforeAnything;
    private Instant afterCreates;
    private Instant afterUpdate;
    private Instant afterRemoval;
    private Instant duringOutage;
    private Instant afterReconnect;

    @BeforeAll
    void driveAKnownSequenceThroughThePipeline(KafkaBroker broker, @TempDir Path state) throws Exception {
        this.broker = broker;
        this.state = state;
        OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        gateway.sessions().create(ONE, fields("One"));
        gateway.start();
        this.running.add(gateway);
        PipelineConfig quick = TestPipelines.config(broker, "replay-e2e", this.state, gateway.url(), TOKEN);
        Map<String, String> settings = new HashMap<>(quick.extraSettings());
        // No reconciliation snapshot in the middle: the test knows every snapshot the ingestor takes.
        settings.put("crewstream.ingestor.connection.reconciliation-interval", "1h");
        this.config = new PipelineConfig(quick.bootstrapServers(), quick.namespace(), quick.partitions(), 0, 0, 0, 0,
                quick.projectorStateDir(), quick.agentUsageStateDir(), quick.projectorApplicationId(),
                quick.upstream(), settings);
        this.connection = this.config.upstream().id();
        this.replay = new Replay(new ReplaySource(broker.bootstrapServers(), this.config.namespace()));
        new TopicSetup(this.config.bootstrapServers(), this.config.namespace(), this.config.partitions(),
                TopicReplication.SINGLE)
                .createMissing();
        this.running.start(PipelineApps.projector(this.config));

        this.beforeAnything = Instant.now();
        this.running.start(PipelineApps.ingestor(this.config));
        await().atMost(PATIENCE).ignoreExceptions().until(() -> labels(Instant.now()).equals(Map.of(ONE, "One")));

        gateway.sessions().create(TWO, fields("Two"));
        this.afterCreates = settled(Map.of(ONE, "One", TWO, "Two"));

        gateway.sessions().patch(ONE, fields("One, renamed"), null);
        this.afterUpdate = settled(Map.of(ONE, "One, renamed", TWO, "Two"));

        gateway.sessions().delete(TWO);
        this.afterRemoval = settled(Map.of(ONE, "One, renamed"));

        gateway.faults().restart(Duration.ofSeconds(4));
        await().atMost(PATIENCE).until(() -> state(Instant.now()) != UpstreamState.CONNECTED);
        this.duringOutage = Instant.now();
        gateway.sessions().create(THREE, fields("Three"));
        await().atMost(PATIENCE).until(() -> state(Instant.now()) == UpstreamState.CONNECTED
                && labels(Instant.now()).containsKey(THREE));
        this.afterReconnect = Instant.now();
    }

    @AfterAll
    void stopEverything() throws Exception {
        this.running.close();
    }

    @Test
    void stateAtReturnsTheExactTableAtFiveInstants() {
        assertThat(labels(this.beforeAnything)).as("before the first session").isEmpty();
        assertThat(table(this.beforeAnything).status()).isNull();
        assertThat(labels(this.afterCreates)).as("between changes").isEqualTo(Map.of(ONE, "One", TWO, "Two"));
        assertThat(labels(this.afterRemoval)).as("right after the removal").isEqualTo(Map.of(ONE, "One, renamed"));
        ConnectionTableAt outage = table(this.duringOutage);
        assertThat(labels(this.duringOutage)).as("during the outage the last known sessions stay")
                .isEqualTo(Map.of(ONE, "One, renamed"));
        assertThat(outage.status().state()).isNotEqualTo(UpstreamState.CONNECTED);
        ConnectionTableAt reconnected = table(this.afterReconnect);
        assertThat(labels(this.afterReconnect)).as("after the reconnect, with what changed while it was down")
                .isEqualTo(Map.of(ONE, "One, renamed", THREE, "Three"));
        assertThat(reconnected.status().state()).isEqualTo(UpstreamState.CONNECTED);
        assertThat(reconnected.basis().reason()).as("rebuilt from the reconnect's snapshot").isEqualTo("reconnect");
    }

    @Test
    void theTableReplayRebuildsNowIsTheProjectorsTable() {
        Map<String, String> projected = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : TopicReader.readAll(this.broker,
                this.config.namespace().name(Topic.SESSION_STATE), new StringDeserializer(),
                new ByteArrayDeserializer(), PATIENCE)) {
            String key = record.key().substring(record.key().indexOf('/') + 1);
            if (record.value() == null) {
                projected.remove(key);
            }
            else {
                projected.put(key, ContractSerdes.sessionState().deserialize(null, record.value()).session().label());
            }
        }
        assertThat(labels(Instant.now())).isEqualTo(projected);
    }

    @Test
    void diffListsWhatChangedBetweenTwoInstants() {
        TableDiff diff = this.replay.diff(this.afterCreates, this.afterReconnect, this.connection);
        assertThat(diff.sessions()).extracting(d -> d.sessionKey() + " " + d.kind().wireName()).containsExactly(
                ONE + " updated", THREE + " created", TWO + " removed");
        TableDiff.SessionDiff updated = diff.sessions().get(0);
        assertThat(updated.fields()).extracting(field -> field.field() + ": " + field.before().asString() + " → "
                + field.after().asString()).contains("label: One → One, renamed");
        assertThat(diff.connections()).as("connected at both ends").isEmpty();
    }

    @Test
    void historyListsEveryChangeOfTheSessionItsCauseAndTheGatewaysStatusChanges() {
        SessionHistory history = this.replay.history(this.connection, ONE, this.beforeAnything,
                this.afterReconnect);
        List<String> changes = history.entries().stream().filter(HistoryEntry.Change.class::isInstance)
                .map(entry -> ((HistoryEntry.Change) entry).change())
                .map(change -> change.kind().wireName() + " by " + (change.cause().isSnapshot()
                        ? "snapshot " + change.cause().reason() : "delta " + change.cause().reason()))
                .toList();
        assertThat(changes).containsExactly("created by snapshot initial", "updated by delta patch");
        List<HistoryEntry.Frame> causes = history.entries().stream().filter(HistoryEntry.Frame.class::isInstance)
                .map(HistoryEntry.Frame.class::cast).filter(HistoryEntry.Frame::cause).toList();
        assertThat(causes).hasSize(1);
        assertThat(causes.get(0).frame().event()).isEqualTo("sessions.changed");
        assertThat(causes.get(0).frame().text()).contains(ONE).contains("One, renamed");

        List<String> statuses = history.entries().stream().filter(HistoryEntry.Status.class::isInstance)
                .map(entry -> ((HistoryEntry.Status) entry).status().state().wireName()).toList();
        assertThat(statuses).isEqualTo(statusesWritten(this.beforeAnything, this.afterReconnect));
        assertThat(statuses).contains("connected").last().isEqualTo("connected");
    }

    @Test
    void replayReturnsExactlyTheFramesOfTheWindowInOrder() {
        List<String> replayed = new ArrayList<>();
        this.replay.frames(this.connection, this.afterCreates, this.afterRemoval, null,
                frame -> replayed.add(new String(frame.json(), StandardCharsets.UTF_8)));
        List<String> written = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : TopicReader.readAll(this.broker,
                this.config.namespace().name(Topic.RAW_FRAMES), new StringDeserializer(), new ByteArrayDeserializer(),
                PATIENCE)) {
            if (this.connection.equals(record.key()) && !Instant.ofEpochMilli(record.timestamp())
                    .isBefore(this.afterCreates) && !Instant.ofEpochMilli(record.timestamp()).isAfter(this.afterRemoval)) {
                written.add(new String(record.value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(replayed).isNotEmpty().isEqualTo(written);
        assertThat(replayed).anyMatch(frame -> frame.contains("sessions.changed") && frame.contains(TWO));
    }

    @Test
    void theCommandsAnswerTheSameQuestionsOnStandardOutput() {
        ToolsProbe.Result table = cli("state-at", this.afterRemoval.toString(), "--connection", this.connection);
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("gateway " + this.connection).contains("connected").contains(ONE)
                .contains("One, renamed").doesNotContain(TWO);

        ToolsProbe.Result jsonl = cli("state-at", Long.toString(this.afterReconnect.toEpochMilli()), "--connection",
                this.connection, "--format", "jsonl");
        List<JsonNode> lines = jsonl.out().lines().map(line -> ContractJson.mapper().readTree(line)).toList();
        assertThat(lines.get(0).path("kind").asString()).isEqualTo("gateway");
        assertThat(lines.stream().skip(1).map(line -> line.path("session").path("key").asString()))
                .containsExactly(ONE, THREE);

        ToolsProbe.Result diff = cli("diff", this.afterCreates.toString(), this.afterReconnect.toString(),
                "--connection", this.connection);
        assertThat(diff.out()).contains("+ " + this.connection + " " + THREE + "  created",
                "- " + this.connection + " " + TWO + "  removed", "~ " + this.connection + " " + ONE + "  ",
                "label: One → One, renamed");

        ToolsProbe.Result history = cli("history", "--connection", this.connection, "--session", ONE, "--from",
                this.beforeAnything.toString(), "--to", this.afterReconnect.toString());
        assertThat(history.out()).contains("created by snapshot").contains("updated by delta patch")
                .contains("← cause");

        ToolsProbe.Result frames = cli("replay", "--connection", this.connection, "--from",
                this.afterCreates.toString(), "--to", this.afterRemoval.toString(), "--format", "jsonl");
        List<String> expected = new ArrayList<>();
        this.replay.frames(this.connection, this.afterCreates, this.afterRemoval, null,
                frame -> expected.add(new String(frame.json(), StandardCharsets.UTF_8)));
        assertThat(frames.out().lines().toList()).isEqualTo(expected);
        List<RawFrame> decoded = frames.out().lines()
                .map(line -> ContractSerdes.rawFrames().deserialize(null, line.getBytes(StandardCharsets.UTF_8)))
                .toList();
        assertThat(decoded).isNotEmpty();
    }

    @Test
    void everyBadInputIsOneLineOnStandardErrorAndExitCode2() {
        expectUsageError(cli("state-at", "yesterday", "--connection", this.connection),
                "crewstream state-at: cannot read 'yesterday' as a time");
        expectUsageError(cli("replay", "--connection", this.connection, "--from", "-1m", "--to", "-2m"),
                "crewstream replay: the end (");
        expectUsageError(cli("state-at", "now", "--connection", "gw-nope"),
                "crewstream state-at: no gateway connection 'gw-nope'; known: " + this.connection);
        expectUsageError(cli("replay", "--from", "-1m"), "crewstream replay: --connection is required");
        expectUsageError(cli("replay", "--connection", this.connection, "--from", "-1m", "--speed", "fast"),
                "crewstream replay: --speed must be 1x, 10x (any positive factor) or max, not 'fast'");
        expectUsageError(cli("diff", "-1m"), "crewstream diff: expects FROM and TO");
        expectUsageError(cli("state-at", "now", "--colour", "red"), "crewstream state-at: unknown option '--colour'");
        expectUsageError(cli("state-at", "+999999999-12-31T00:00:00Z", "--connection", this.connection),
                "crewstream state-at: cannot read '+999999999-12-31T00:00:00Z' as a time");
        expectUsageError(cli("replay", "--connection", this.connection, "--from", "-999999999-01-01T00:00:00Z"),
                "crewstream replay: cannot read '-999999999-01-01T00:00:00Z' as a time");
        expectUsageError(ToolsProbe.run(Map.of("KAFKA_BOOTSTRAP_SERVERS", this.broker.bootstrapServers()), this.state,
                "state-at", "now", "--topic-prefix", "a/b"), "crewstream state-at: --topic-prefix: ");
    }

    @Test
    void anUnreachableKafkaIsOneLineAndExitCode2() {
        ToolsProbe.Result result = ToolsProbe.run(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"), this.state,
                "state-at", "now");
        expectUsageError(result, "crewstream state-at: Kafka at 127.0.0.1:1");
    }

    private static void expectUsageError(ToolsProbe.Result result, String start) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).startsWith(start);
        assertThat(result.err().strip().lines()).as("one line").hasSize(1);
        assertThat(result.out()).isEmpty();
    }

    private ToolsProbe.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--topic-prefix");
        all.add(this.config.namespace().prefix());
        return ToolsProbe.run(Map.of("KAFKA_BOOTSTRAP_SERVERS", this.broker.bootstrapServers()), this.state,
                all.toArray(String[]::new));
    }

    /** Waits until the table shows {@code labels}, then returns a moment after the change that made it so. */
    private Instant settled(Map<String, String> labels) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> labels(Instant.now()).equals(labels));
        return Instant.now();
    }

    private ConnectionTableAt table(Instant at) {
        return this.replay.stateAt(at, this.connection).get(0);
    }

    private Map<String, String> labels(Instant at) {
        return table(at).sessions().values().stream()
                .collect(Collectors.toMap(row -> row.key(), row -> row.label()));
    }

    private UpstreamState state(Instant at) {
        ConnectionStatusEvent status = table(at).status();
        return status == null ? null : status.state();
    }

    /** The states the ingestor wrote for the connection in {@code (from, to]}, read straight from the topic. */
    /** The status changes written in {@code (from, to]}: every status but a restatement of the one before it. */
    private List<String> statusesWritten(Instant from, Instant to) {
        List<String> changes = new ArrayList<>();
        ConnectionStatusEvent previous = null;
        for (ConsumerRecord<String, byte[]> record : TopicReader.readAll(this.broker,
                this.config.namespace().name(Topic.CONNECTION_STATUS), new StringDeserializer(),
                new ByteArrayDeserializer(), PATIENCE)) {
            if (!this.connection.equals(record.key())) {
                continue;
            }
            ConnectionStatusEvent status = ContractSerdes.connectionStatus().deserialize(null, record.value());
            if (!status.restates(previous) && record.timestamp() > from.toEpochMilli()
                    && record.timestamp() <= to.toEpochMilli()) {
                changes.add(status.state().wireName());
            }
            previous = status;
        }
        return changes;
    }


    private static ObjectNode fields(String label) {
        return JsonNodeFactory.instance.objectNode().put("label", label);
    }
}
