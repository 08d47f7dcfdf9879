package io.crewstream.ingestor;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /actuator/health} names every upstream with its state, reason and since, and says how publishing goes. */
@ExtendWith(KafkaBrokerExtension.class)
class HealthEndpointTest {

    @TempDir
    Path folder;

    @Test
    void healthShowsEachConnectionWithItsStateAndReason(KafkaBroker broker) throws Exception {
        int closedPort = UpstreamScenariosTest.freePort();
        try (OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults("health-token"))) {
            gateway.start();
            try (IngestorRun ingestor = IngestorRun.builder(broker.bootstrapServers(), broker.uniquePrefix("health"))
                    .upstream("up", gateway.url(), "health-token", this.folder)
                    .upstream("down", URI.create("ws://127.0.0.1:" + closedPort), "health-token", this.folder)
                    .withWebServer()
                    .start()) {

                JsonNode health = Awaitility.await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> health(ingestor.port()),
                                // Not only UP: a gateway is UP (owned: false) until this instance owns it.
                                json -> json.at("/components/upstreams/components/up/details/state").asString("")
                                        .equals("connected")
                                        && json.at("/components/upstreams/components/down/details/state")
                                                .asString("").equals("unreachable"));

                JsonNode up = health.at("/components/upstreams/components/up");
                assertThat(up.at("/details/state").asString()).isEqualTo("connected");
                assertThat(up.at("/details/gatewayVersion").asString())
                        .isEqualTo(SimulatorConfig.DEFAULT_SERVER_VERSION);
                assertThat(up.at("/details/since").asString()).isNotEmpty();
                JsonNode down = health.at("/components/upstreams/components/down");
                assertThat(down.path("status").asString()).isEqualTo("DOWN");
                assertThat(down.at("/details/reason").asString()).contains("connection refused");
                assertThat(down.at("/details/reasonCode").asString()).isEqualTo("connection_refused");
                assertThat(health.at("/components/publishing/status").asString()).isEqualTo("UP");
                JsonNode ownership = health.at("/components/ownership");
                assertThat(ownership.path("status").asString()).isEqualTo("UP");
                assertThat(ownership.at("/details/member").asBoolean()).as("a member of the ingestors' group").isTrue();
                assertThat(ownership.at("/details/instanceId").asString()).as("host name and pid by default")
                        .matches("[A-Za-z0-9._-]+-" + ProcessHandle.current().pid());
                assertThat(ownership.at("/details/owned").valueStream().map(JsonNode::asString).toList())
                        .as("the only instance owns every gateway, in partition order").containsExactly("down", "up");
                assertThat(ownership.at("/details/gateways/up/ownedHere").asBoolean()).isTrue();
                assertThat(ownership.at("/details/gateways/up/phase").asString()).isEqualTo("owned");
                assertThat(up.at("/details/owned").asBoolean()).isTrue();
            }
        }
    }

    private static JsonNode health(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonMapper.shared().readTree(response.body());
    }
}
