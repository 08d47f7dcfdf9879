package io.crewstream.agentusage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent-usage application on a real broker, reading the session-state table as the projector writes it (rows
 * and tombstones with their timestamps) and writing the usage topic, read back from its start as any reader would.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AgentUsageIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** Minute 0 of a test: recent, so that the usage topic's 30 days' retention keeps what is written. */
    private static final long B = AgentUsageMinute.minuteOf(System.currentTimeMillis()) - Duration.ofMinutes(10)
            .toMillis();

    @TempDir
    Path stateDir;

    @Test
    void usageTopicHoldsExactlyTheMinutesOfAScriptedSequence(KafkaBroker broker) throws Exception {
        String namespace = broker.uniquePrefix("agent-usage-script");
        long started = System.currentTimeMillis();
        try (UsageTopics topics = new UsageTopics(broker, new TopicNamespace(namespace))) {
            // One partition throughout: the output's order is then the script's, and exact.
            topics.createTable(1);
            try (RunningAgentUsage app = RunningAgentUsage.start(broker, namespace, 1, this.stateDir)) {
                // Minute 0: the first snapshot after the gateway connected, then the sessions work.
                topics.created("demo", at(0, 5), "main", "a", "running", 1_000);
                topics.created("demo", at(0, 5), "main", "b", "queued", 0);
                topics.created("demo", at(0, 5), "ops", "x", "running", 500);
                topics.updated("demo", at(0, 20), "main", "a", "running", 4_000);
                // A reconciliation snapshot re-lists a: no change, nothing counted.
                topics.updated("demo", at(0, 30), "main", "a", "running", 4_000);
                topics.updated("demo", at(0, 40), "main", "b", "done", 2_500);
                // Minute 1: the gateway restarted and a's counter with it; x is removed; c appears.
                topics.updated("demo", at(1, 10), "main", "a", "running", 1_200);
                topics.removed("demo", at(1, 15), "ops", "x");
                topics.created("demo", at(1, 50), "main", "c", "running", 0);
                // Minute 2: nothing happens. Minute 3: c's run fails.
                topics.updated("demo", at(3, 5), "main", "c", "failed", 800);
                // Late, within the grace (minute 1 closes at 4:00): b's removal updates minute 1 and minute 3.
                topics.removed("demo", at(1, 55), "main", "b");
                // Late beyond the grace (minute 0 closed at 3:00): left out of minute 0, but y exists.
                topics.created("lab", at(0, 50), "main", "y", "running", 100);
                topics.updated("lab", at(3, 30), "main", "y", "running", 700);

                List<String> expected = List.of(
                        "demo/main @0 active=1 created=1 removed=0 tokens=0 runs={} id=demo/main/@0/1",
                        "demo/main @0 active=2 created=2 removed=0 tokens=0 runs={} id=demo/main/@0/2",
                        "demo/ops @0 active=1 created=1 removed=0 tokens=0 runs={} id=demo/ops/@0/1",
                        "demo/main @0 active=2 created=2 removed=0 tokens=3000 runs={} id=demo/main/@0/3",
                        "demo/main @0 active=2 created=2 removed=0 tokens=5500 runs={done=1} id=demo/main/@0/4",
                        "demo/main @1 active=2 created=0 removed=0 tokens=1200 runs={} id=demo/main/@1/1",
                        "demo/ops @1 active=0 created=0 removed=1 tokens=0 runs={} id=demo/ops/@1/1",
                        "demo/main @1 active=3 created=1 removed=0 tokens=1200 runs={} id=demo/main/@1/2",
                        "demo/main @3 active=3 created=0 removed=0 tokens=800 runs={failed=1} id=demo/main/@3/1",
                        "demo/main @1 active=2 created=1 removed=1 tokens=1200 runs={} id=demo/main/@1/3",
                        "demo/main @3 active=2 created=0 removed=0 tokens=800 runs={failed=1} id=demo/main/@3/2",
                        "lab/main @3 active=1 created=0 removed=0 tokens=600 runs={} id=lab/main/@3/1");
                // The last line is written last: once it is there, everything before it is, and nothing else.
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(lines(topics.usage())).isEqualTo(expected));

                for (ConsumerRecord<String, AgentUsageMinute> record : topics.usage()) {
                    AgentUsageMinute minute = record.value();
                    assertThat(record.timestamp()).isEqualTo(minute.minuteStart());
                    assertThat(minute.updatedAt()).isBetween(started, System.currentTimeMillis());
                    CloudEvents event = CloudEvents.readFrom(record.headers()).orElseThrow();
                    assertThat(event.type()).isEqualTo(CloudEventType.AGENT_USAGE);
                    assertThat(event.source()).isEqualTo("/crewstream/agent-usage/" + minute.connectionId());
                    assertThat(event.subject()).isEqualTo(minute.agentId());
                    assertThat(event.time()).isEqualTo(Instant.ofEpochMilli(minute.minuteStart()));
                }
                JsonNode health = app.health();
                assertThat(health.get("status").asString()).isEqualTo("UP");
                JsonNode details = health.get("components").get("agentUsage").get("details");
                assertThat(details.get("state").asString()).isEqualTo("RUNNING");
                assertThat(details.get("lateRecords").asLong()).isEqualTo(1);
                assertThat(details.get("droppedRecords").asLong()).isZero();
            }
        }
    }

    @Test
    void restartThatRebuildsTheStoresNeitherLosesNorCountsTwiceAChange(KafkaBroker broker) throws IOException {
        String namespace = broker.uniquePrefix("agent-usage-restart");
        try (UsageTopics topics = new UsageTopics(broker, new TopicNamespace(namespace))) {
            // Three partitions: an agent's sessions come from several, and its minutes must add up all the same.
            topics.createTable(3);
            try (RunningAgentUsage first = RunningAgentUsage.start(broker, namespace, 3, this.stateDir)) {
                for (String name : List.of("a", "b", "c", "d", "e")) {
                    topics.created("demo", at(0, 5), "main", name, "running", 100);
                }
                topics.created("demo", at(0, 6), "ops", "x", "running", 100);
                topics.created("demo", at(0, 6), "ops", "y", "running", 100);
                topics.updated("demo", at(0, 20), "main", "a", "running", 600);
                topics.updated("demo", at(0, 25), "main", "b", "done", 300);
                topics.removed("demo", at(0, 30), "ops", "y");

                await().atMost(PATIENCE).untilAsserted(() -> assertThat(latest(topics.usage())).isEqualTo(Map.of(
                        "demo/main @0", "active=5 created=5 removed=0 tokens=700 runs={done=1}",
                        "demo/ops @0", "active=1 created=2 removed=1 tokens=0 runs={}")));
            }

            deleteRecursively(this.stateDir);
            // While the app is down the table goes on changing.
            topics.updated("demo", at(1, 5), "main", "c", "running", 1_100);
            topics.removed("demo", at(1, 10), "main", "d");

            try (RunningAgentUsage second = RunningAgentUsage.start(broker, namespace, 3, this.stateDir)) {
                topics.updated("demo", at(1, 20), "main", "a", "running", 50);
                topics.updated("demo", at(1, 30), "ops", "x", "failed", 500);
                topics.created("demo", at(1, 40), "main", "f", "running", 0);
                // A projector that rebuilt its table publishes e as created again: the same session.
                topics.created("demo", at(1, 45), "main", "e", "running", 100);

                Map<String, String> expected = Map.of(
                        "demo/main @0", "active=5 created=5 removed=0 tokens=700 runs={done=1}",
                        "demo/ops @0", "active=1 created=2 removed=1 tokens=0 runs={}",
                        // c grew by 1,000 (its last total, 100, came back with the store); a's counter restarted.
                        "demo/main @1", "active=5 created=1 removed=1 tokens=1050 runs={}",
                        "demo/ops @1", "active=1 created=0 removed=0 tokens=400 runs={failed=1}");
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(latest(topics.usage())).isEqualTo(expected));
                assertThat(versionsByMinute(topics.usage())).as("each minute's versions 1..n: none lost, none twice")
                        .allSatisfy((minute, versions) -> assertThat(versions)
                                .isEqualTo(Stream.iterate(1L, v -> v + 1).limit(versions.size()).toList()));
            }
        }
    }

    /** Epoch ms of {@code second} seconds into minute {@code minute} of the test. */
    private static long at(int minute, int second) {
        return B + minute * 60_000L + second * 1_000L;
    }

    private static String key(AgentUsageMinute minute) {
        return minute.key() + " @" + (minute.minuteStart() - B) / 60_000;
    }

    private static String figures(AgentUsageMinute minute) {
        return "active=" + minute.activeSessions() + " created=" + minute.sessionsCreated() + " removed="
                + minute.sessionsRemoved() + " tokens=" + minute.tokensConsumed() + " runs=" + minute.runsFinished();
    }

    /** Each record as a line, its CloudEvents id with the minute's start written as {@code @<minute>}. */
    private static List<String> lines(List<ConsumerRecord<String, AgentUsageMinute>> records) {
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<String, AgentUsageMinute> record : records) {
            AgentUsageMinute minute = record.value();
            String id = CloudEvents.text(record.headers(), CloudEvents.ID_HEADER).replace(
                    "/" + minute.minuteStart() + "/", "/@" + (minute.minuteStart() - B) / 60_000 + "/");
            lines.add(key(minute) + " " + figures(minute) + " id=" + id);
        }
        return lines;
    }

    /** What a reader keeps: the last record of each key and minute. */
    private static Map<String, String> latest(List<ConsumerRecord<String, AgentUsageMinute>> records) {
        Map<String, String> latest = new HashMap<>();
        records.forEach(record -> latest.put(key(record.value()), figures(record.value())));
        return latest;
    }

    /** The version part of each record's CloudEvents id, per key and minute, in the order written. */
    private static Map<String, List<Long>> versionsByMinute(List<ConsumerRecord<String, AgentUsageMinute>> records) {
        Map<String, List<Long>> versions = new LinkedHashMap<>();
        for (ConsumerRecord<String, AgentUsageMinute> record : records) {
            String id = CloudEvents.text(record.headers(), CloudEvents.ID_HEADER);
            versions.computeIfAbsent(key(record.value()), minute -> new ArrayList<>())
                    .add(Long.parseLong(id.substring(id.lastIndexOf('/') + 1)));
        }
        return versions;
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
