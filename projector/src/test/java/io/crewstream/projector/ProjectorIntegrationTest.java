package io.crewstream.projector;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.streams.Startup;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static io.crewstream.projector.SessionRows.chunk;
import static io.crewstream.projector.SessionRows.row;
import static io.crewstream.projector.SessionRows.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The projector application on a real broker: what it writes to the compacted topics, read back from the start as
 * any table reader would, is the upstream's truth, also after a restart that has to rebuild every store from its
 * changelog.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ProjectorIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    @Test
    void compactedTableEqualsTheUpstreamTruthAcrossARestartThatRebuildsTheStores(KafkaBroker broker)
            throws IOException {
        String namespace = broker.uniquePrefix("projector-restart");
        String applicationId = namespace + "projector";
        try (PipelineTopics topics = topicsOf(broker, namespace)) {
            RunningProjector first = RunningProjector.start(broker, namespace, applicationId, this.stateDir);
            try {
                topics.send(status("gw-a", UpstreamState.CONNECTED));
                topics.send(status("gw-b", UpstreamState.CONNECTED));
                topics.send(chunk("gw-a", "a1", 0, 2, 3, 100, row("s1", "running"), row("s2", "running")));
                topics.send(chunk("gw-a", "a1", 1, 2, 3, 100, row("s3", "queued")));
                topics.send(snapshot("gw-b", "b1", 100, row("s1", "running"), row("s9", "running")));
                topics.send(upsert("gw-a", row("s3", "running")));
                topics.send(removal("gw-b", "s9"));
                // Half of a snapshot that completes only after the restart: its rows are applied at once, and what
                // it listed must survive the restart, or the rest of it could not remove s2.
                topics.send(chunk("gw-a", "a2", 0, 2, 3, 200, row("s1", "done"), row("s3", "running")));
                // Same partition, so once this shows the chunk before it has been processed and committed.
                topics.send(upsert("gw-a", row("s2", "done")));

                await().atMost(PATIENCE).untilAsserted(() -> assertThat(summary(topics.sessionTable()))
                        .isEqualTo(Map.of("gw-a/s1", "done r2", "gw-a/s2", "done r2", "gw-a/s3", "running r2",
                                "gw-b/s1", "running r1")));
            }
            finally {
                first.close();
            }

            deleteRecursively(this.stateDir);
            // While the projector is down the ingestor goes on writing.
            topics.send(chunk("gw-a", "a2", 1, 2, 3, 200, row("s4", "queued")));
            topics.send(status("gw-b", UpstreamState.DISCONNECTED));

            try (RunningProjector second = RunningProjector.start(broker, namespace, applicationId, this.stateDir)) {
                topics.send(upsert("gw-a", row("s4", "running")));
                topics.send(upsert("gw-b", row("s1", "done")));

                Map<String, String> expected = Map.of(
                        "gw-a/s1", "done r2", // from snapshot a2: s1 changed
                        "gw-a/s3", "running r2", // unchanged by a2: same revision
                        "gw-a/s4", "running r2", // created by a2, then a delta
                        "gw-b/s1", "done r2"); // s2 of gw-a removed by a2; gw-b keeps its session while down
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(summary(topics.sessionTable()))
                        .isEqualTo(expected));
                await().atMost(PATIENCE).untilAsserted(() -> {
                    var connections = topics.connectionTable();
                    assertThat(connections.get("gw-a").sessionCount()).isEqualTo(3);
                    assertThat(connections.get("gw-a").lastSnapshotAt()).isEqualTo(200);
                    assertThat(connections.get("gw-b").state()).isEqualTo(UpstreamState.DISCONNECTED);
                    assertThat(connections.get("gw-b").sessionCount()).isEqualTo(1);
                });
                assertThat(second.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        }
    }

    @Test
    void secondInstanceTakesOverThePartitionsOfAStoppedOne(KafkaBroker broker) throws IOException {
        String namespace = broker.uniquePrefix("projector-takeover");
        String applicationId = namespace + "projector";
        List<String> connections = List.of("gw-1", "gw-2", "gw-3", "gw-4", "gw-5", "gw-6");
        try (PipelineTopics topics = topicsOf(broker, namespace);
                RunningProjector survivor = RunningProjector.start(broker, namespace, applicationId, "instance-2",
                        Files.createDirectories(this.stateDir.resolve("two")))) {
            RunningProjector leaving = RunningProjector.start(broker, namespace, applicationId, "instance-1",
                    Files.createDirectories(this.stateDir.resolve("one")));
            try {
                await().atMost(PATIENCE).untilAsserted(() -> {
                    assertThat(leaving.streams().activeTasks()).hasSize(1);
                    assertThat(survivor.streams().activeTasks()).hasSize(1);
                });
                connections.forEach(id -> topics.send(snapshot(id, "s1", 100, row("s", "queued"))));
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(topics.sessionTable()).hasSize(6));
            }
            finally {
                leaving.close();
            }

            await().atMost(PATIENCE).untilAsserted(
                    () -> assertThat(survivor.streams().activeTasks()).containsExactly("0_0", "0_1"));
            connections.forEach(id -> topics.send(upsert(id, row("s", "running"))));

            Map<String, String> expected = new LinkedHashMap<>();
            connections.forEach(id -> expected.put(id + "/s", "running r2"));
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(summary(topics.sessionTable()))
                    .isEqualTo(expected));
        }
    }

    @Test
    void malformedRecordEndsOnTheDeadLetterTopicAndProcessingContinues(KafkaBroker broker) throws Exception {
        String namespace = broker.uniquePrefix("projector-dead-letter");
        try (PipelineTopics topics = topicsOf(broker, namespace);
                RunningProjector projector = RunningProjector.start(broker, namespace, namespace + "projector",
                        this.stateDir)) {
            byte[] garbage = "not json at all".getBytes(StandardCharsets.UTF_8);
            topics.sendRaw(Topic.SESSION_EVENTS, "gw-a", garbage);
            topics.send(upsert("gw-a", row("s1", "running")));

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(summary(topics.sessionTable()))
                    .isEqualTo(Map.of("gw-a/s1", "running r1")));
            List<DeadLetter> letters = topics.deadLetters();
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).reason()).contains("Malformed SessionEvent");
            assertThat(letters.get(0).sourceTopic())
                    .isEqualTo(new TopicNamespace(namespace).name(Topic.SESSION_EVENTS));
            assertThat(projector.streams().deadLetterCount()).isEqualTo(1);

            JsonNode health = health(projector);
            assertThat(health.get("status").asString()).isEqualTo("UP");
            JsonNode details = health.get("components").get("projector").get("details");
            assertThat(details.get("state").asString()).isEqualTo("RUNNING");
            assertThat(details.get("deadLetters").asLong()).isEqualTo(1);
        }
    }

    @Test
    void malformedRecordTooLargeToDeadLetterWholeEndsOnTheDeadLetterTopicTruncatedAndProcessingContinues(
            KafkaBroker broker) throws Exception {
        String namespace = broker.uniquePrefix("projector-large-dead-letter");
        try (PipelineTopics topics = topicsOf(broker, namespace);
                RunningProjector projector = RunningProjector.start(broker, namespace, namespace + "projector",
                        this.stateDir)) {
            // Fits a 1 MiB request itself, but not in base64.
            byte[] garbage = new byte[900_000];
            Arrays.fill(garbage, (byte) '[');
            topics.sendRaw(Topic.SESSION_EVENTS, "gw-a", garbage);
            topics.send(upsert("gw-a", row("s1", "running")));

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(summary(topics.sessionTable()))
                    .isEqualTo(Map.of("gw-a/s1", "running r1")));
            List<DeadLetter> letters = topics.deadLetters();
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).reason()).endsWith("(value truncated to 65536 of 900000 bytes)");
        }
    }

    @Test
    void aRecordWithAOneMegabyteKeyIsDeadLetteredAndTheRecordsAfterItAreProjected(KafkaBroker broker)
            throws Exception {
        String namespace = broker.uniquePrefix("projector-huge-key");
        try (PipelineTopics topics = topicsOf(broker, namespace);
                RunningProjector projector = RunningProjector.start(broker, namespace, namespace + "projector",
                        this.stateDir)) {
            // Over the projector's request limit uncompressed, as its dead letter would be if it copied the key.
            String hugeKey = "k".repeat(1_100_000);
            String topic = new TopicNamespace(namespace).name(Topic.SESSION_EVENTS);
            // A valid event under a key that is not its connection id: it can only be dead-lettered. On gw-a's
            // partition, so that the next record of gw-a waits behind it.
            topics.sendCompressed(Topic.SESSION_EVENTS, hugeKey,
                    ContractSerdes.sessionEvents().serialize(topic, upsert("gw-a", row("s0", "running"))), "gw-a");
            topics.send(upsert("gw-a", row("s1", "running")));

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(summary(topics.sessionTable()))
                    .isEqualTo(Map.of("gw-a/s1", "running r1")));
            List<ConsumerRecord<String, DeadLetter>> letters = topics.deadLetterRecords();
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).key()).isEqualTo(DeadLetter.keyFor(hugeKey)).hasSizeLessThan(400);
            assertThat(letters.get(0).value().reason()).contains("is not the record's connectionId 'gw-a'");
            // Written once: not again and again by replaced stream threads.
            await().during(Duration.ofSeconds(2)).atMost(PATIENCE)
                    .until(() -> projector.streams().deadLetterCount() == 1);
            JsonNode health = health(projector);
            assertThat(health.get("status").asString()).isEqualTo("UP");
            assertThat(health.get("components").get("projector").get("details").get("streamThreadFailures")
                    .asLong()).isZero();
        }
    }

    @Test
    void healthIsDownWhileAPartitionMakesNoProgressAndUpOnceItDoes(KafkaBroker broker) throws Exception {
        String namespace = broker.uniquePrefix("projector-stall");
        String applicationId = namespace + "projector";
        Map<String, String> properties = RunningProjector.properties(broker.bootstrapServers(), namespace,
                applicationId, "instance-1", this.stateDir);
        properties.put("crewstream.projector.stall-timeout", "3s");
        // A replaced stream thread rejoins once its predecessor's session has expired: 6 s rather than 45 s.
        properties.put("crewstream.projector.streams-properties[consumer.session.timeout.ms]", "6000");
        ConfigResource sessionState = new ConfigResource(ConfigResource.Type.TOPIC,
                new TopicNamespace(namespace).name(Topic.SESSION_STATE));
        try (PipelineTopics topics = topicsOf(broker, namespace);
                RunningProjector projector = RunningProjector.start(properties);
                Admin admin = Admin.create(broker.adminConfig())) {
            topics.send(upsert("gw-a", row("s1", "running")));
            await().dontCatchUncaughtExceptions().atMost(PATIENCE).untilAsserted(() -> assertThat(summary(topics.sessionTable()))
                    .isEqualTo(Map.of("gw-a/s1", "running r1")));
            await().dontCatchUncaughtExceptions().atMost(PATIENCE).until(() -> health(projector).get("status").asString().equals("UP"));

            // An operator shrinks the table's record limit: every write of the next change now fails, and under
            // exactly-once each replacement stream thread fails on the same record (which is why these waits must
            // not fail on the stream threads' uncaught exceptions).
            setMaxMessageBytes(admin, sessionState, "200");
            topics.send(upsert("gw-a", row("s1", "done")));
            topics.send(upsert("gw-a", row("s2", "running")));
            await().dontCatchUncaughtExceptions().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode health = health(projector);
                assertThat(health.get("status").asString()).isEqualTo("DOWN");
                JsonNode details = health.get("components").get("projector").get("details");
                // Between a stream thread's death and its replacement's rejoining the instance may hold no task (DOWN
                // for that reason first): what is awaited is the stall itself.
                assertThat(details.path("stalledPartitions").size()).isEqualTo(1);
                assertThat(details.path("lag").asLong()).isPositive();
                assertThat(details.get("streamThreadFailures").asLong()).isPositive();
            });

            setMaxMessageBytes(admin, sessionState, "1048588");
            await().dontCatchUncaughtExceptions().atMost(PATIENCE).untilAsserted(() -> assertThat(summary(topics.sessionTable()))
                    .isEqualTo(Map.of("gw-a/s1", "done r2", "gw-a/s2", "running r1")));
            await().dontCatchUncaughtExceptions().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode health = health(projector);
                assertThat(health.get("status").asString()).isEqualTo("UP");
                assertThat(health.get("components").get("projector").get("details").get("lag").asLong()).isZero();
            });
        }
    }

    @Test
    void inputTopicsWithDifferentPartitionCountsAreReportedDownAndNotRetried(KafkaBroker broker) throws Exception {
        String namespace = broker.uniquePrefix("projector-not-co-partitioned");
        TopicNamespace topics = new TopicNamespace(namespace);
        broker.createTopics(List.of(Topic.SESSION_EVENTS.newTopic(topics, 1, (short) 1),
                Topic.CONNECTION_STATUS.newTopic(topics, 2, (short) 1)));
        String applicationId = namespace + "projector";
        try (RunningProjector projector = RunningProjector.launch(RunningProjector.properties(
                broker.bootstrapServers(), namespace, applicationId, "instance-1", this.stateDir))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode health = health(projector);
                assertThat(health.get("status").asString()).isEqualTo("DOWN");
                JsonNode details = health.get("components").get("projector").get("details");
                assertThat(details.get("state").asString()).isEqualTo(Startup.Phase.FAILED.name());
                assertThat(details.get("reason").asString()).contains("same number of partitions")
                        .contains(topics.name(Topic.SESSION_EVENTS) + "=1");
            });
            assertThat(projector.isRunning()).as("the application stays up to report it").isTrue();
            // The starter gave up: no retry loop.
            await().atMost(PATIENCE).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.getName().equals("projector-starter-" + applicationId)));
            assertThat(projector.streams().startup().failedAttempts()).isEqualTo(1);
            assertThat(projector.streams().state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        }
    }

    @Test
    void aRunEventsTopicNotCoPartitionedWithTheSessionEventsIsReportedDown(KafkaBroker broker) throws Exception {
        String namespace = broker.uniquePrefix("projector-run-events-not-co-partitioned");
        TopicNamespace topics = new TopicNamespace(namespace);
        broker.createTopics(List.of(Topic.RUN_EVENTS.newTopic(topics, 1, (short) 1)));
        try (RunningProjector projector = RunningProjector.launch(RunningProjector.properties(
                broker.bootstrapServers(), namespace, namespace + "projector", "instance-1", this.stateDir))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode details = health(projector).get("components").get("projector").get("details");
                assertThat(details.get("state").asString()).isEqualTo(Startup.Phase.FAILED.name());
                assertThat(details.get("reason").asString()).contains("same number of partitions")
                        .contains(topics.name(Topic.RUN_EVENTS) + "=1")
                        .contains(topics.name(Topic.AGENT_LISTS) + "=2");
            });
            assertThat(projector.streams().state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        }
    }

    @Test
    void createsItsTablesCompactedWithTheConfiguredPartitions(KafkaBroker broker) throws Exception {
        String namespace = broker.uniquePrefix("projector-topics");
        TopicNamespace topics = new TopicNamespace(namespace);
        try (RunningProjector projector = RunningProjector.start(broker, namespace, namespace + "projector",
                this.stateDir); Admin admin = Admin.create(broker.adminConfig())) {
            for (Topic table : List.of(Topic.SESSION_STATE, Topic.CONNECTION_STATE, Topic.SESSION_ACTIVITY,
                    Topic.AGENT_STATE)) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topics.name(table));
                Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                        .get(resource);
                assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
                assertThat(config.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG).value())
                        .isEqualTo(Long.toString(Topic.MIN_COMPACTION_LAG.toMillis()));
                assertThat(config.get(TopicConfig.DELETE_RETENTION_MS_CONFIG).value())
                        .isEqualTo(Long.toString(Topic.TOMBSTONE_RETENTION.toMillis()));
            }
            Map<String, TopicDescription> descriptions = admin.describeTopics(List.of(topics.name(Topic.SESSION_STATE),
                    topics.name(Topic.SESSION_EVENTS), topics.name(Topic.CONNECTION_STATUS),
                    topics.name(Topic.RUN_EVENTS), topics.name(Topic.AGENT_LISTS), topics.name(Topic.SESSION_ACTIVITY),
                    topics.name(Topic.AGENT_STATE), topics.name(Topic.DEAD_LETTERS),
                    topics.name(Topic.SESSION_VERIFICATIONS), topics.name(Topic.SNAPSHOT_REQUESTS)))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(descriptions.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(2));
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static PipelineTopics topicsOf(KafkaBroker broker, String namespace) {
        return new PipelineTopics(broker, new TopicNamespace(namespace));
    }

    private static ConnectionStatusEvent status(String connectionId, UpstreamState state) {
        long now = System.currentTimeMillis();
        return ConnectionStatusEvent.of(connectionId, state, state == UpstreamState.CONNECTED ? null : "closed",
                state == UpstreamState.CONNECTED ? null : "closed", now, "2026.2.1", null, "ws://gateway", now);
    }

    private static SessionUpserted upsert(String connectionId, SessionRow row) {
        return SessionUpserted.of(connectionId, "patch", null, 300, row);
    }

    private static SessionRemoved removal(String connectionId, String sessionKey) {
        return SessionRemoved.of(connectionId, sessionKey, "delete", null, 300);
    }

    /** The table as "key" -> "status revision". */
    private static Map<String, String> summary(Map<SessionStateKey, SessionState> table) {
        Map<String, String> summary = new LinkedHashMap<>();
        table.forEach((key, state) -> summary.put(key.format(), state.session().status() + " r" + state.revision()));
        return summary;
    }

    private static void setMaxMessageBytes(Admin admin, ConfigResource topic, String bytes) throws Exception {
        admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, bytes), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
    }

    private static JsonNode health(RunningProjector projector) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(projector.healthUri()).GET().build(), HttpResponse.BodyHandlers.ofString());
        return ContractJson.mapper().readTree(response.body());
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(folder)) {
                    Files.delete(path);
                }
            }
        }
    }
}
