package io.crewstream.ingestor;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.crewstream.ingestor.UpstreamScenariosTest.fields;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway token is a secret: it goes into the {@code connect} request and nowhere else. The ingestor runs with
 * its own code at TRACE through a successful connect, changes, a rejected token, reconnects, a malformed frame and
 * a stop; then every log line, every byte of every topic, the health and metrics endpoints are searched for it.
 */
@ExtendWith({ KafkaBrokerExtension.class, OutputCaptureExtension.class })
class TokenSecrecyTest {

    private final String token = "secret-" + UUID.randomUUID();

    @TempDir
    Path folder;

    @Test
    void theGatewayTokenNeverAppearsInLogsTopicsHealthOrMetrics(KafkaBroker broker, CapturedOutput output)
            throws Exception {
        String prefix = broker.uniquePrefix("secrecy");
        KafkaOutput kafka = new KafkaOutput(broker, new TopicNamespace(prefix));
        String health;
        String metrics;
        try (OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(this.token))) {
            gateway.start();
            try (IngestorRun ingestor = IngestorRun.builder(broker.bootstrapServers(), prefix)
                    .upstream("secret-gw", gateway.url(), this.token, this.folder)
                    .property("logging.level.io.crewstream.ingestor", "TRACE")
                    .withWebServer()
                    .start()) {
                await().until(() -> kafka.states().contains(UpstreamState.CONNECTED));
                gateway.sessions().create("agent:main:s1", fields("label", "one"));
                gateway.faults().sendMalformedJson();
                gateway.faults().rejectAuth(true);
                gateway.faults().dropAllConnections();
                await().until(() -> kafka.states().contains(UpstreamState.AUTH_FAILED));
                gateway.faults().rejectAuth(false);
                await().untilAsserted(() -> assertThat(kafka.states()).endsWith(UpstreamState.CONNECTED));
                health = get(ingestor.port(), "/actuator/health");
                metrics = get(ingestor.port(), "/actuator/metrics/crewstream.ingestor.frames.received");
            }
        }

        assertThat(health).contains("secret-gw");
        assertThat(metrics).contains("crewstream.ingestor.frames.received");
        assertThat(output.getAll()).contains("secret-gw").contains("Handshake done").doesNotContain(this.token);
        assertThat(health).doesNotContain(this.token);
        assertThat(metrics).doesNotContain(this.token);
        byte[] secret = this.token.getBytes(StandardCharsets.UTF_8);
        assertThat(kafka.allBytes()).isNotEmpty().noneMatch(bytes -> contains(bytes, secret));
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250));
    }
}
