package io.crewstream.projector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import io.crewstream.projector.streams.ProjectorStreams;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.runtime.TopicProvisioner;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The projector killed with SIGKILL in the middle of a stream of changes, as a crashed host would: no commit, no
 * close, possibly a transaction left open. The instance that takes over must end at exactly the upstream's table:
 * every change applied once, none lost (each key's revision equals the number of changes it had).
 */
@ExtendWith(KafkaBrokerExtension.class)
class KilledProjectorIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final List<String> CONNECTIONS = List.of("gw-1", "gw-2", "gw-3");

    private static final int KEYS_PER_CONNECTION = 4;

    @TempDir
    Path folder;

    @Test
    void tableIsExactlyRightAfterTheProjectorIsKilledMidStream(KafkaBroker broker) throws Exception {
        String namespace = broker.uniquePrefix("projector-kill");
        String applicationId = namespace + "projector";
        Path stateDir = Files.createDirectories(this.folder.resolve("state"));
        List<SessionUpserted> stream = IntStream.range(0, 300).mapToObj(KilledProjectorIntegrationTest::change)
                .toList();
        // Created up front: a record sent before the child has created them would auto-create a topic.
        new TopicProvisioner(new KafkaSettings(broker.bootstrapServers(), namespace, 2, (short) 1, null), "projector",
                Duration.ofSeconds(30)).provisionOnce(ProjectorStreams.TOPICS.plan(2));
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (PipelineTopics topics = new PipelineTopics(broker, new TopicNamespace(namespace))) {
            Process victim = startInChildProcess(broker, namespace, applicationId, stateDir);
            Future<?> sending;
            try {
                topics.send(status("gw-1"));
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(topics.connectionTable()).containsKey("gw-1"));
                sending = sender.submit(() -> stream.forEach(change -> {
                    topics.send(change);
                    LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                }));
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(topics.sessionTable()).isNotEmpty());
            }
            finally {
                victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            sending.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            try (RunningProjector successor = RunningProjector.start(broker, namespace, applicationId, stateDir)) {
                await().atMost(PATIENCE).untilAsserted(() -> {
                    Map<String, String> table = new LinkedHashMap<>();
                    topics.sessionTable().forEach((key, state) -> table.put(key.format(),
                            state.session().fields().get("step").asString() + " r" + state.revision()));
                    assertThat(table).isEqualTo(expectedTable(stream));
                });
            }
        }
        finally {
            sender.shutdownNow();
        }
    }

    /** Change number {@code i}: a new value for one session, so that every change is a real change. */
    private static SessionUpserted change(int i) {
        String connectionId = CONNECTIONS.get(i % CONNECTIONS.size());
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put("key", "agent:main:s" + (i / CONNECTIONS.size()) % KEYS_PER_CONNECTION);
        fields.put("status", "running");
        fields.put("step", "step-" + i);
        return SessionUpserted.of(connectionId, "patch", (long) i, i, SessionRow.of(fields));
    }

    /** Each key's last step, and as revision the number of changes it had. */
    private static Map<String, String> expectedTable(List<SessionUpserted> stream) {
        Map<String, Integer> revisions = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (SessionUpserted change : stream) {
            String key = change.connectionId() + "/" + change.sessionKey();
            int revision = revisions.merge(key, 1, Integer::sum);
            expected.put(key, change.session().fields().get("step").asString() + " r" + revision);
        }
        return expected;
    }

    private static ConnectionStatusEvent status(String connectionId) {
        return ConnectionStatusEvent.of(connectionId, UpstreamState.CONNECTED, null, null, 1, "2026.2.1", null,
                "ws://gateway", 1);
    }

    /** The real application in a JVM of its own, so that it can be killed like a crashed host. */
    private Process startInChildProcess(KafkaBroker broker, String namespace, String applicationId, Path stateDir)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ProjectorApplication.class.getName(),
                "--crewstream.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--crewstream.kafka.topic-prefix=" + namespace,
                "--crewstream.projector.application-id=" + applicationId,
                "--crewstream.projector.instance-id=instance-1",
                "--crewstream.projector.state-dir=" + stateDir,
                "--crewstream.kafka.partitions=2",
                "--server.port=0",
                "--logging.level.org.apache.kafka=WARN")
                .redirectErrorStream(true)
                .redirectOutput(this.folder.resolve("killed-projector.log").toFile())
                .start();
    }
}
