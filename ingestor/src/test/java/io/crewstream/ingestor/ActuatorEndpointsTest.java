package io.crewstream.ingestor;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.http.ActuatorEndpoints;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every actuator endpoint the ingestor lists as exposed answers (it once listed {@code prometheus} and answered 404):
 * with its upstream connected, none is a 404 or a 5xx.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ActuatorEndpointsTest {

    @TempDir
    Path folder;

    @Test
    void everyExposedActuatorEndpointAnswers(KafkaBroker broker) throws Exception {
        try (OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults("actuator-token"))) {
            gateway.start();
            try (IngestorRun ingestor = IngestorRun.builder(broker.bootstrapServers(), broker.uniquePrefix("actuator"))
                    .upstream("up", gateway.url(), "actuator-token", this.folder)
                    .withWebServer()
                    .start()) {
                URI base = URI.create("http://127.0.0.1:" + ingestor.port());
                // Health answers 503 while the upstream connects: wait until there is nothing to be down about.
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(30)).until(() -> http.send(
                        HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
                String exposure = ingestor.context().getEnvironment()
                        .getProperty("management.endpoints.web.exposure.include");

                Map<String, Integer> statuses = ActuatorEndpoints.statuses(base, exposure);

                assertThat(statuses).containsKeys("/actuator/health", "/actuator/info", "/actuator/metrics",
                        "/actuator/prometheus");
                assertThat(statuses).allSatisfy((path, status) -> assertThat(status).as(path).isBetween(200, 299));
            }
        }
    }
}
