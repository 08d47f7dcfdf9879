package io.crewstream.local.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.KafkaOutage;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.RunUsage;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The commands over a timeline written with explicit Kafka timestamps into one partition per topic: a time that
 * retention has deleted is refused with the earliest time available, and {@code tail} shows what is written after
 * it starts.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CommandsOnATimelineTest {

    private static final String GATEWAY = "laptop";
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path data;

    private KafkaBroker broker;
    private TopicNamespace namespace;
    private KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void createTopics(KafkaBroker broker) throws Exception {
        this.broker = broker;
        this.namespace = new TopicNamespace(broker.uniquePrefix("commands"));
        broker.createTopics(List.of(Topic.values()).stream().map(topic -> topic.newTopic(this.namespace, 1,
                (short) 1)).toList());
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
        ConnectionState known = ConnectionState.of(GATEWAY, UpstreamState.CONNECTED, null, null, 1, "2026.9.6", null,
                null, 0, "ws://127.0.0.1:18789", 1);
        send(Topic.CONNECTION_STATE, Instant.now(), ContractSerdes.connectionState().serialize(null, known));
    }

    @AfterEach
    void close() {
        this.producer.close();
    }

    @Test
    void aTimeThatRetentionDeletedIsOneLineWithTheEarliestTimeAvailableAndExitCode2() throws Exception {
        send(Topic.SESSION_EVENTS, T0, ContractSerdes.sessionEvents().serialize(null, snapshot("old")));
        send(Topic.SESSION_EVENTS, T0.plusSeconds(60), ContractSerdes.sessionEvents().serialize(null, snapshot("new")));
        try (Admin admin = Admin.create(this.broker.adminConfig())) {
            admin.deleteRecords(Map.of(new TopicPartition(this.namespace.name(Topic.SESSION_EVENTS), 0),
                    RecordsToDelete.beforeOffset(1))).all().get(30, TimeUnit.SECONDS);
        }

        ToolsProbe.Result result = command("state-at", T0.plusSeconds(30).toString(), "--connection", GATEWAY);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err().strip()).isEqualTo("crewstream state-at: " + T0.plusSeconds(30) + " is older than "
                + "what " + this.namespace.name(Topic.SESSION_EVENTS) + " still holds for '" + GATEWAY + "': the "
                + "earliest time available is " + T0.plusSeconds(60));
        assertThat(command("state-at", T0.plusSeconds(90).toString(), "--connection", GATEWAY).out())
                .contains("agent:main:new");
    }

    @Test
    void tailShowsWhatIsWrittenAfterItStarts() throws Exception {
        send(Topic.SESSION_EVENTS, Instant.now(), ContractSerdes.sessionEvents().serialize(null, snapshot("before")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> tail = CompletableFuture.supplyAsync(() -> Tools.run(new String[] { "tail",
                "--max", "3", "--topic-prefix", this.namespace.prefix() }, new PrintStream(out, true,
                        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", this.broker.bootstrapServers()), this.data, Clock.systemUTC(),
                millis -> {
                }));
        await().atMost(Duration.ofSeconds(30)).until(() -> err.toString(StandardCharsets.UTF_8).contains("following"));

        SessionRow row = SessionRow.of(ContractJson.mapper().createObjectNode().put("key", "agent:main:after")
                .put("status", "running"));
        send(Topic.SESSION_EVENTS, Instant.now(), ContractSerdes.sessionEvents().serialize(null,
                SessionUpserted.of(GATEWAY, "patch", 7L, System.currentTimeMillis(), row)));
        send(Topic.CONNECTION_STATUS, Instant.now(), ContractSerdes.connectionStatus().serialize(null,
                ConnectionStatusEvent.of(GATEWAY, UpstreamState.UNREACHABLE, "connection refused",
                        "connection_refused", System.currentTimeMillis(), null, null, "ws://127.0.0.1:18789",
                        System.currentTimeMillis()).withOwner("ingestor-b")));
        send(Topic.CONNECTION_STATUS, Instant.now(), ContractSerdes.connectionStatus().serialize(null,
                ConnectionStatusEvent.of(GATEWAY, UpstreamState.UNREACHABLE, "connection refused",
                        "connection_refused", 1_000, null, null, "ws://127.0.0.1:18789", 3_000, 5_000L)
                        .withKafkaOutage(new KafkaOutage(T0.toEpochMilli(), T0.plusSeconds(300).toEpochMilli(),
                                42L))));

        assertThat(tail.get(30, TimeUnit.SECONDS)).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains(GATEWAY).contains("upsert   agent:main:after (patch, seq 7): status running");
        assertThat(lines.get(1)).contains("gateway  unreachable since").contains("[connection_refused]")
                .endsWith(" via ingestor-b");
        assertThat(lines.get(2)).as("the ingestor's own Kafka outage, as it reported it afterwards")
                .contains("the ingestor could not write to Kafka from " + T0.toString().replace("Z", ".000Z")
                        + " to " + T0.plusSeconds(300).toString().replace("Z", ".000Z") + " (42 records lost");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("agent:main:before");
    }

    @Test
    void exportWritesEveryRecordOfTheWindowAsJsonLinesOrCsv() throws Exception {
        send(Topic.SESSION_EVENTS, T0, ContractSerdes.sessionEvents().serialize(null, snapshot("early")));
        send(Topic.SESSION_EVENTS, T0.plusSeconds(60), ContractSerdes.sessionEvents().serialize(null,
                snapshot("in, \"quoted\"")));
        send(Topic.SESSION_EVENTS, T0.plusSeconds(120), ContractSerdes.sessionEvents().serialize(null,
                snapshot("late")));

        ToolsProbe.Result jsonl = command("export", "--topic", "session-events", "--from", T0.plusSeconds(30).toString(),
                "--to", T0.plusSeconds(90).toString());
        assertThat(jsonl.exitCode()).as(jsonl.err()).isZero();
        List<String> lines = jsonl.out().lines().toList();
        assertThat(lines).hasSize(1);
        var line = ContractJson.mapper().readTree(lines.get(0));
        assertThat(line.path("timestamp").asString()).isEqualTo(T0.plusSeconds(60).toString());
        assertThat(line.path("key").asString()).isEqualTo(GATEWAY);
        assertThat(line.path("offset").asLong()).isEqualTo(1);
        assertThat(line.path("value").path("sessions").get(0).path("key").asString())
                .isEqualTo("agent:main:in, \"quoted\"");

        Path file = this.data.resolve("export.csv");
        ToolsProbe.Result csv = command("export", "--topic", "crewstream.session-events.v1", "--from",
                T0.toString(), "--format", "csv", "--out", file.toString());
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        assertThat(csv.out()).isEmpty();
        assertThat(csv.err()).contains("wrote 3 records");
        List<String> rows = java.nio.file.Files.readAllLines(file);
        assertThat(rows.get(0)).startsWith("timestamp,partition,offset,key,type,").contains("snapshotId", "sessions");
        assertThat(rows).hasSize(4);
        assertThat(rows.get(2)).startsWith(T0.plusSeconds(60) + ",0,1," + GATEWAY + ",snapshot-chunk,")
                .contains("s-in, \"\"quoted\"\"\"");
    }

    @Test
    void anUnreadableFrameIsALineOfThePrettyReplayWhichGoesOn() throws Exception {
        send(Topic.RAW_FRAMES, T0, "not a frame".getBytes(StandardCharsets.UTF_8));
        String text = "{\"type\":\"event\",\"event\":\"tick\",\"seq\":2}";
        send(Topic.RAW_FRAMES, T0.plusSeconds(1), ContractSerdes.rawFrames().serialize(null, RawFrame.of(GATEWAY,
                T0.plusSeconds(1).toEpochMilli(), "event", "tick", 2L, text.length(), false, text)));

        ToolsProbe.Result result = command("replay", "--connection", GATEWAY, "--from", T0.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("2026-12-01T10:00:00.000Z  unreadable record at offset 0: ");
        assertThat(lines.get(1)).contains("tick seq 2");
    }

    @Test
    void exportOfAnUnknownTopicListsTheTopics() {
        ToolsProbe.Result result = command("export", "--topic", "sessions", "--from", "-1h");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("crewstream export: no topic 'sessions'; topics: session-events, "
                + "connection-status, raw-frames, run-events, agent-lists, session-verifications, snapshot-requests, "
                + "session-state, connection-state, session-activity, agent-state, dead-letters, agent-usage");
    }

    @Test
    void historyShowsTheStepsOfTheSessionsAgentRunsAmongItsChanges() throws Exception {
        send(Topic.SESSION_EVENTS, T0, ContractSerdes.sessionEvents().serialize(null, snapshot("busy")));
        String session = "agent:main:busy";
        long at = T0.toEpochMilli();
        sendRun(T0.plusSeconds(1), RunEvent.runStarted(GATEWAY, session, "main", "r1", at + 1000, at + 1000, 1L));
        sendRun(T0.plusSeconds(2), RunEvent.toolStarted(GATEWAY, session, "main", "r1", at + 2000, at + 2000, 2L,
                "exec", "call-1"));
        sendRun(T0.plusSeconds(3), RunEvent.runStarted(GATEWAY, "agent:main:other", "main", "r2", at + 3000,
                at + 3000, 1L));
        sendRun(T0.plusSeconds(4), RunEvent.toolEnded(GATEWAY, session, "main", "r1", at + 4000, at + 4000, 3L,
                "exec", "call-1", true));
        sendRun(T0.plusSeconds(5), RunEvent.runEnded(GATEWAY, session, "main", "r1", at + 5000, at + 5000, 4L,
                RunOutcome.ERROR, "rate_limit", new RunUsage(1200L, 340L, 1540L), null));

        ToolsProbe.Result history = command("history", "--connection", GATEWAY, "--session", session, "--from",
                T0.minusSeconds(1).toString(), "--to", T0.plusSeconds(10).toString());

        assertThat(history.exitCode()).as(history.err()).isZero();
        List<String> runs = history.out().lines().filter(line -> line.contains(" run ")).toList();
        assertThat(runs).hasSize(4);
        assertThat(runs.get(0)).endsWith("run     r1 run-started");
        assertThat(runs.get(1)).endsWith("run     r1 tool-started exec (call-1)");
        assertThat(runs.get(2)).endsWith("run     r1 tool-ended exec (call-1) failed");
        assertThat(runs.get(3)).endsWith("run     r1 run-ended error rate_limit, 1540 tokens");
        assertThat(history.out()).as("another session's run is not in this history").doesNotContain("r2");
    }

    private void sendRun(Instant at, RunEvent event) throws Exception {
        send(Topic.RUN_EVENTS, at, ContractSerdes.runEvents().serialize(null, event));
    }

    private ToolsProbe.Result command(String... args) {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--topic-prefix", this.namespace.prefix())).toArray(String[]::new);
        return ToolsProbe.run(Map.of("KAFKA_BOOTSTRAP_SERVERS", this.broker.bootstrapServers()), this.data, all);
    }

    private static SnapshotChunk snapshot(String session) {
        SessionRow row = SessionRow.of(ContractJson.mapper().createObjectNode().put("key", "agent:main:" + session));
        return SnapshotChunk.of(GATEWAY, "s-" + session, "reconciliation", 0, 1, 1, 1, List.of(row));
    }

    private void send(Topic topic, Instant at, byte[] value) throws Exception {
        this.producer.send(new ProducerRecord<>(this.namespace.name(topic), 0, at.toEpochMilli(), GATEWAY, value))
                .get(10, TimeUnit.SECONDS);
    }
}
