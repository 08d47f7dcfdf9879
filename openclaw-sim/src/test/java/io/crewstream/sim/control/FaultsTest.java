package io.crewstream.sim.control;

import static io.crewstream.sim.client.GatewayTestClient.backendConnect;
import static io.crewstream.sim.client.GatewayTestClient.event;
import static io.crewstream.sim.client.GatewayTestClient.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import io.crewstream.sim.client.GatewayTestClient;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;

/** Each fault, seen from a client: close codes, missing ticks, seq gaps, error frames, bad frames, refused sockets. */
class FaultsTest {

    private static final String TOKEN = "faults-token";
    private static final String READ = "operator.read";

    private final List<GatewayTestClient> clients = new ArrayList<>();
    private OpenClawSimulator simulator;

    @AfterEach
    void stop() {
        clients.forEach(GatewayTestClient::close);
        if (simulator != null) {
            simulator.stop();
        }
    }

    @Test
    void droppedConnectionsEndWithoutCloseFrame() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = connect();

        simulator.faults().dropAllConnections();

        assertThat(client.awaitClose().code()).isEqualTo(1006);
    }

    @Test
    void silentGatewayStopsTickingButKeepsTheSocketAndAnswers() {
        start(SimulatorConfig.defaults(TOKEN).withTickInterval(Duration.ofMillis(50)));
        GatewayTestClient client = connect();
        client.awaitFrame(event("tick"));

        simulator.faults().goSilent();
        int ticksWhenSilenced = client.events("tick").size();
        // A tick already queued when the switch flipped may still arrive; after that, none for many intervals.
        await().atMost(Duration.ofSeconds(2)).during(Duration.ofMillis(500))
                .until(() -> client.events("tick").size() <= ticksWhenSilenced + 1);
        JsonNode health = client.request("health", object());
        int ticksBeforeResume = client.events("tick").size();
        simulator.faults().resumeTicks();

        assertThat(health.path("ok").asBoolean()).isTrue();
        assertThat(client.isClosed()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.events("tick").size() > ticksBeforeResume + 1);
    }

    @Test
    void skippedSeqNumbersShowAsAGapOnTheNextEvent() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = connect();
        client.call("sessions.subscribe", object());
        simulator.sessions().create("agent:main:before-gap", object());
        long before = client.awaitFrame(change("agent:main:before-gap")).path("seq").asLong();

        simulator.faults().skipSeq(5);
        simulator.sessions().create("agent:main:after-gap", object());

        assertThat(client.awaitFrame(change("agent:main:after-gap")).path("seq").asLong()).isEqualTo(before + 6);
    }

    @Test
    void restartSendsShutdownThenClose1012RefusesDuringDowntimeAndComesBack() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = connect();

        CompletableFuture<Void> back = simulator.faults().restart(Duration.ofSeconds(2));

        JsonNode shutdown = client.awaitFrame(event("shutdown"));
        assertThat(shutdown.path("payload").path("restartExpectedMs").asLong()).isEqualTo(2000);
        assertThat(shutdown.path("payload").path("reason").asString()).isNotBlank();
        assertThat(shutdown.path("seq").asLong()).isPositive();
        assertThat(client.awaitClose().code()).isEqualTo(1012);
        if (!back.isDone()) {
            assertThatThrownBy(() -> new Socket("127.0.0.1", simulator.port()).close())
                    .isInstanceOf(ConnectException.class);
        }
        back.join();
        assertThat(connect().isClosed()).isFalse();
    }

    @Test
    void rejectedAuthFailsConnectWithTokenMismatchAndClose1008() {
        start(SimulatorConfig.defaults(TOKEN));
        simulator.faults().rejectAuth(true);
        GatewayTestClient client = track(GatewayTestClient.open(simulator.url()));
        client.challenge();

        JsonNode response = client.request("connect", backendConnect(TOKEN, READ));

        assertThat(response.path("error").path("details").path("code").asString()).isEqualTo("AUTH_TOKEN_MISMATCH");
        assertThat(client.awaitClose().code()).isEqualTo(1008);
    }

    @Test
    void slowGatewayAnswersOnlyAfterTheDelay() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = connect();
        simulator.faults().slowResponses(Duration.ofMillis(800));

        client.sendText("{\"type\":\"req\",\"id\":\"slow-1\",\"method\":\"health\",\"params\":{}}");

        await().atMost(Duration.ofSeconds(2)).during(Duration.ofMillis(400))
                .until(() -> !client.received(frame -> "slow-1".equals(frame.path("id").asString(""))));
        client.awaitFrame(frame -> "slow-1".equals(frame.path("id").asString("")));
    }

    @Test
    void malformedJsonReachesTheClientAsUnparsableText() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = connect();

        simulator.faults().sendMalformedJson();

        await().atMost(GatewayTestClient.TIMEOUT).until(() -> !client.unparsableTexts().isEmpty());
    }

    @Test
    void oversizedFrameIsLargerThanTheAnnouncedMaxPayload() {
        start(SimulatorConfig.defaults(TOKEN).withMaxPayload(64 * 1024));
        GatewayTestClient client = track(GatewayTestClient.open(simulator.url()));
        client.challenge();
        long maxPayload = client.call("connect", backendConnect(TOKEN, READ)).path("policy").path("maxPayload").asLong();

        simulator.faults().sendOversizedFrame();

        assertThat(maxPayload).isEqualTo(64 * 1024);
        await().atMost(GatewayTestClient.TIMEOUT)
                .until(() -> client.textSizes().stream().anyMatch(size -> size > maxPayload));
    }

    @Test
    void refusedConnectionsFailToOpenUntilAcceptedAgain() {
        start(SimulatorConfig.defaults(TOKEN));
        int port = simulator.port();

        simulator.faults().refuseConnections();

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> GatewayTestClient.open(simulator.url())).hasCauseInstanceOf(ConnectException.class);
        simulator.faults().acceptConnections();
        assertThat(connect().isClosed()).isFalse();
    }

    @Test
    void startingGatewayAnswersUnavailableWithRetryAfterAndCloses1013() throws Exception {
        start(SimulatorConfig.defaults(TOKEN));
        simulator.faults().starting(Duration.ofMillis(1500));
        GatewayTestClient client = track(GatewayTestClient.open(simulator.url()));
        client.challenge();

        JsonNode error = client.request("connect", backendConnect(TOKEN, READ)).path("error");

        assertThat(error.path("code").asString()).isEqualTo("UNAVAILABLE");
        assertThat(error.path("retryable").asBoolean()).isTrue();
        assertThat(error.path("retryAfterMs").asLong()).isEqualTo(1500);
        assertThat(error.path("details").path("reason").asString()).isEqualTo("startup-sidecars");
        assertThat(client.awaitClose()).isEqualTo(new GatewayTestClient.Close(1013, "gateway starting"));
        assertThat(readyzStatus()).isEqualTo(503);
        simulator.faults().started();
        assertThat(readyzStatus()).isEqualTo(200);
        assertThat(connect().isClosed()).isFalse();
    }

    private int readyzStatus() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simulator.port() + "/readyz"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static java.util.function.Predicate<JsonNode> change(String key) {
        return frame -> event("sessions.changed").test(frame)
                && key.equals(frame.path("payload").path("sessionKey").asString(""));
    }

    private void start(SimulatorConfig config) {
        simulator = new OpenClawSimulator(config);
        simulator.start();
    }

    private GatewayTestClient connect() {
        return track(GatewayTestClient.connected(simulator.url(), backendConnect(TOKEN, READ)));
    }

    private GatewayTestClient track(GatewayTestClient client) {
        clients.add(client);
        return client;
    }
}
