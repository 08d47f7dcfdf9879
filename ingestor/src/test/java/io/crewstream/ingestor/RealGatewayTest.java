package io.crewstream.ingestor;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.crewstream.ingestor.support.GatewayRpcClient;
import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingestor against a real {@code openclaw} gateway (CI starts one through {@code scripts/real-gateway.sh} and
 * exports its URL and token): sessions created, patched and deleted over RPC each show up as a record in Kafka.
 * Without a real gateway this test is SKIPPED, saying so; the simulator scenarios cover the same paths.
 */
@ExtendWith(KafkaBrokerExtension.class)
@EnabledIfEnvironmentVariable(named = "OPENCLAW_CONFORMANCE_URL", matches = ".+",
        disabledReason = "SKIPPED: no real OpenClaw gateway (set OPENCLAW_CONFORMANCE_URL and "
                + "OPENCLAW_CONFORMANCE_TOKEN, as .ci/run does)")
class RealGatewayTest {

    @TempDir
    Path folder;

    @Test
    void sessionsCreatedPatchedAndDeletedOverRpcEachBecomeARecordInKafka(KafkaBroker broker) throws Exception {
        URI url = URI.create(System.getenv("OPENCLAW_CONFORMANCE_URL"));
        String token = System.getenv("OPENCLAW_CONFORMANCE_TOKEN");
        String prefix = broker.uniquePrefix("real-gateway");
        KafkaOutput kafka = new KafkaOutput(broker, new TopicNamespace(prefix));
        try (IngestorRun ingestor = IngestorRun.builder(broker.bootstrapServers(), prefix)
                .upstream("real", url, token, this.folder).start();
                GatewayRpcClient rpc = new GatewayRpcClient(url, token)) {
            await().until(() -> kafka.states().contains(UpstreamState.CONNECTED));
            assertThat(kafka.completeSnapshots()).hasSize(1);

            String agent = rpc.call("agents.list", object()).path("defaultId").asString();
            String key = "agent:" + agent + ":crewstream-ingestor-" + UUID.randomUUID().toString().substring(0, 8);
            rpc.call("sessions.create", object().put("key", key).put("label", "created by the ingestor test"));
            await().until(() -> kafka.sessionEvents().stream().anyMatch(event -> event instanceof SessionUpserted up
                    && up.sessionKey().equals(key)));

            rpc.call("sessions.patch", object().put("key", key).put("label", "renamed"));
            await().until(() -> kafka.sessionEvents().stream().anyMatch(event -> event instanceof SessionUpserted up
                    && up.sessionKey().equals(key) && "renamed".equals(up.session().label())));

            rpc.call("sessions.delete", object().put("key", key));
            await().until(() -> kafka.sessionEvents().stream().anyMatch(event -> event instanceof SessionRemoved removed
                    && removed.sessionKey().equals(key)));
            // The real gateway follows a keyed delete with a keyless sessions.changed: the echo of the same delete,
            // handled without a re-list (no snapshot, no marker of a reload).
            await().until(() -> kafka.rawFrames().stream().anyMatch(frame -> "sessions.changed".equals(frame.event())
                    && !frame.text().contains("\"sessionKey\"") && frame.text().contains("delete")));
            assertThat(kafka.completeSnapshots(reason -> reason.equals(SnapshotReason.RELOAD_REQUESTED.wireName())))
                    .isEmpty();
            assertThat(kafka.verifications()).extracting(SessionsVerified::reason)
                    .doesNotContain(SnapshotReason.RELOAD_REQUESTED.wireName());
            assertThat(kafka.foldedSessions()).doesNotContainKey(key);
            assertThat(kafka.statuses().get(kafka.statuses().size() - 1).gatewayVersion()).isNotBlank();
        }
    }

    private static ObjectNode object() {
        return JsonMapper.shared().createObjectNode();
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300));
    }
}
