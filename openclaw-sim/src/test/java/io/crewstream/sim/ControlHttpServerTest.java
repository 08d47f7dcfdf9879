package io.crewstream.sim;

import static io.crewstream.sim.client.GatewayTestClient.backendConnect;
import static io.crewstream.sim.client.GatewayTestClient.event;
import static io.crewstream.sim.client.GatewayTestClient.object;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crewstream.sim.client.GatewayTestClient;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;

class ControlHttpServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private OpenClawSimulator simulator;
    private ControlHttpServer control;

    @BeforeEach
    void start() throws Exception {
        simulator = new OpenClawSimulator(SimulatorConfig.defaults("control-token"));
        simulator.start();
        control = new ControlHttpServer(simulator, null, 0);
        control.start();
    }

    @AfterEach
    void stop() {
        control.stop();
        simulator.stop();
    }

    @Test
    void sessionActionsReachSubscribers() throws Exception {
        try (GatewayTestClient client = GatewayTestClient.connected(simulator.url(),
                backendConnect("control-token", "operator.read"))) {
            client.call("sessions.subscribe", object());

            HttpResponse<String> created = post("sessions/create?key=agent:main:from-curl&label=hello%20there");
            HttpResponse<String> patched = post("sessions/patch?key=agent:main:from-curl&pinned=true");

            assertThat(created.statusCode()).isEqualTo(200);
            assertThat(patched.statusCode()).isEqualTo(200);
            assertThat(client.awaitFrame(event("sessions.changed")).path("payload").path("label").asString())
                    .isEqualTo("hello there");
            assertThat(simulator.sessions().get("agent:main:from-curl").orElseThrow().path("pinned").asBoolean())
                    .isTrue();
        }
    }

    @Test
    void badRequestsAreAnsweredWithTheReason() throws Exception {
        HttpResponse<String> missingKey = post("sessions/create");
        HttpResponse<String> badNumber = post("faults/skip-seq?count=lots");
        HttpResponse<String> unknown = post("faults/explode");
        HttpResponse<String> getOnAction = http.send(HttpRequest.newBuilder(uri("faults/drop")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(missingKey.statusCode()).isEqualTo(400);
        assertThat(missingKey.body()).contains("missing query parameter 'key'");
        assertThat(badNumber.statusCode()).isEqualTo(400);
        assertThat(badNumber.body()).contains("'count' must be a whole number");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(getOnAction.statusCode()).isEqualTo(405);
    }

    @Test
    void indexListsTheActions() throws Exception {
        HttpResponse<String> index = http.send(HttpRequest.newBuilder(uri("")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(index.body()).contains("faults/restart", "faults/starting", "sessions/create", "status");
    }

    private HttpResponse<String> post(String action) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(action)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String action) {
        return URI.create("http://127.0.0.1:" + control.boundPort() + "/" + action);
    }
}
