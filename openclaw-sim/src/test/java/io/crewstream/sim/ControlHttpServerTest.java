package io.crewstream.sim;

import static io.crewstream.sim.client.GatewayTestClient.backendConnect;
import static io.crewstream.sim.client.GatewayTestClient.event;
import static io.crewstream.sim.client.GatewayTestClient.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    void scriptedRunFromTheControlPortPlaysToItsEnd() throws Exception {
        simulator.sessions().create("agent:main:curl-run", object());
        try (GatewayTestClient client = GatewayTestClient.connected(simulator.url(),
                backendConnect("control-token", "operator.read"))) {

            HttpResponse<String> started = post("runs/script?key=agent:main:curl-run"
                    + "&steps=think:20,say:Hi,tool:read:30,tool!:exec:10&end=error:timeout&message=too%20slow");
            var error = client.awaitFrame(frame -> "chat".equals(frame.path("event").asString(""))
                    && "error".equals(frame.path("payload").path("state").asString(""))).path("payload");

            assertThat(started.statusCode()).isEqualTo(200);
            assertThat(started.body()).contains("\"runId\":\"" + error.path("runId").asString() + "\"",
                    "\"durationMs\":60");
            assertThat(error.path("errorKind").asString()).isEqualTo("timeout");
            assertThat(error.path("errorMessage").asString()).isEqualTo("too slow");
            // The row follows the chat event (as on the real gateway, which persists it afterwards).
            await().until(() -> simulator.sessions().get("agent:main:curl-run").orElseThrow().path("status")
                    .asString(), "timeout"::equals);
        }
    }

    @Test
    void badRunAndAgentRequestsAreAnsweredWithTheReasonAndStartNothing() throws Exception {
        simulator.sessions().create("agent:main:curl-run", object());

        HttpResponse<String> badStep = post("runs/script?key=agent:main:curl-run&steps=nap:3");
        HttpResponse<String> badKind = post("runs/script?key=agent:main:curl-run&end=error:oops");
        HttpResponse<String> noSession = post("runs/script?key=agent:main:nope");
        HttpResponse<String> removeDefault = post("agents/remove?id=main");

        assertThat(badStep.statusCode()).isEqualTo(400);
        assertThat(badStep.body()).contains("unknown step 'nap:3'");
        assertThat(badKind.statusCode()).isEqualTo(400);
        assertThat(badKind.body()).contains("errorKind must be one of");
        assertThat(noSession.statusCode()).isEqualTo(400);
        assertThat(noSession.body()).contains("no session agent:main:nope");
        assertThat(removeDefault.statusCode()).isEqualTo(400);
        assertThat(removeDefault.body()).contains("is the default agent");
        assertThat(simulator.sessions().get("agent:main:curl-run").orElseThrow().path("hasActiveRun").asBoolean())
                .isFalse();
        assertThat(simulator.runs().openRunIds()).isEmpty();
    }

    @Test
    void agentsAddedAndRemovedFromTheControlPortShowInAgentsList() throws Exception {
        try (GatewayTestClient client = GatewayTestClient.connected(simulator.url(),
                backendConnect("control-token", "operator.read"))) {

            HttpResponse<String> added = post("agents/add?id=reviewer&name=Reviewer");
            var listed = client.call("agents.list", object());
            HttpResponse<String> removed = post("agents/remove?id=reviewer");
            var after = client.call("agents.list", object());

            assertThat(added.statusCode()).isEqualTo(200);
            assertThat(removed.statusCode()).isEqualTo(200);
            assertThat(listed.path("agents").toString()).contains("\"id\":\"reviewer\"", "\"name\":\"Reviewer\"");
            assertThat(after.path("agents").toString()).doesNotContain("reviewer");
        }
    }

    @Test
    void indexListsTheActions() throws Exception {
        HttpResponse<String> index = http.send(HttpRequest.newBuilder(uri("")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(index.body()).contains("faults/restart", "faults/starting", "sessions/create", "status",
                "runs/script", "runs/open", "agents/add", "agents/remove");
    }

    private HttpResponse<String> post(String action) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(action)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String action) {
        return URI.create("http://127.0.0.1:" + control.boundPort() + "/" + action);
    }
}
