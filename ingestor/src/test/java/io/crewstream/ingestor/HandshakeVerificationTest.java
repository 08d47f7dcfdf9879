package io.crewstream.ingestor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.ingestor.support.ScriptedGateway;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway that accepts the token is not enough: the ingestor checks what {@code hello-ok} grants. Uses a scripted
 * gateway, because the simulator (like the real gateway on loopback) grants what the ingestor asks for.
 */
@ExtendWith(KafkaBrokerExtension.class)
class HandshakeVerificationTest {

    @TempDir
    Path folder;

    @Test
    void helloWithoutTheReadScopeIsReportedAsAuthFailedWithInsufficientScope(KafkaBroker broker) throws Exception {
        List<ConnectionStatusEvent> statuses = statusesAgainst(broker, "{\"protocol\":4,"
                + "\"auth\":{\"role\":\"operator\",\"scopes\":[]},\"policy\":{\"tickIntervalMs\":30000}}",
                UpstreamState.AUTH_FAILED);

        ConnectionStatusEvent failed = statuses.get(statuses.size() - 1);
        assertThat(failed.reasonCode()).isEqualTo("insufficient_scope");
        assertThat(failed.reason()).contains("operator.read");
    }

    @Test
    void helloWithAnotherProtocolVersionIsRefused(KafkaBroker broker) throws Exception {
        List<ConnectionStatusEvent> statuses = statusesAgainst(broker, "{\"protocol\":3,"
                + "\"auth\":{\"role\":\"operator\",\"scopes\":[\"operator.read\"]}}", UpstreamState.DISCONNECTED);

        ConnectionStatusEvent refused = statuses.get(statuses.size() - 1);
        assertThat(refused.reasonCode()).isEqualTo("protocol_mismatch");
        assertThat(refused.reason()).contains("protocol 3");
    }

    private List<ConnectionStatusEvent> statusesAgainst(KafkaBroker broker, String helloPayload,
            UpstreamState expected) throws Exception {
        String prefix = broker.uniquePrefix("handshake");
        KafkaOutput kafka = new KafkaOutput(broker, new TopicNamespace(prefix));
        try (ScriptedGateway gateway = new ScriptedGateway(
                id -> "{\"type\":\"res\",\"id\":\"" + id + "\",\"ok\":true,\"payload\":" + helloPayload + "}").start();
                IngestorRun ingestor = IngestorRun.builder(broker.bootstrapServers(), prefix)
                        .upstream("scripted", gateway.url(), "t", this.folder).start()) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> kafka.states().contains(expected));
            assertThat(kafka.states()).doesNotContain(UpstreamState.CONNECTED);
            assertThat(kafka.sessionEvents()).as("nothing is listed over a link that failed its checks").isEmpty();
            return kafka.statuses();
        }
    }
}
