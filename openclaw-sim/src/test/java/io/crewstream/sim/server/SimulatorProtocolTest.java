package io.crewstream.sim.server;

import static io.crewstream.sim.client.GatewayTestClient.backendConnect;
import static io.crewstream.sim.client.GatewayTestClient.event;
import static io.crewstream.sim.client.GatewayTestClient.object;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import io.crewstream.sim.client.GatewayTestClient;
import io.crewstream.sim.session.AgentCatalog;

/**
 * Simulator behaviour the conformance suite cannot check against a real gateway in reasonable time or without a
 * control API: configurable ticks, the handshake timeout, the 64 KiB pre-auth cap, control-API changes reaching
 * subscribers, several agents, and a clean stop.
 */
class SimulatorProtocolTest {

    private static final String TOKEN = "protocol-token";
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
    void ticksComeEveryConfiguredIntervalWithTheIntervalAnnouncedInHelloOk() {
        start(SimulatorConfig.defaults(TOKEN).withTickInterval(Duration.ofMillis(100)));
        GatewayTestClient client = track(GatewayTestClient.open(simulator.url()));
        client.challenge();

        JsonNode hello = client.call("connect", backendConnect(TOKEN, READ));
        client.awaitFrame(frame -> client.events("tick").size() >= 3);

        assertThat(hello.path("policy").path("tickIntervalMs").asLong()).isEqualTo(100);
        List<JsonNode> ticks = client.events("tick");
        assertThat(ticks).allSatisfy(tick -> assertThat(tick.path("payload").path("ts").isIntegralNumber()).isTrue());
        assertThat(ticks.get(0).path("seq").asLong()).isEqualTo(1);
    }

    @Test
    void socketThatNeverConnectsIsClosedWith1008AfterTheHandshakeTimeout() {
        start(SimulatorConfig.defaults(TOKEN).withHandshakeTimeout(Duration.ofMillis(300)));
        GatewayTestClient client = track(GatewayTestClient.open(simulator.url()));
        client.challenge();

        assertThat(client.awaitClose()).isEqualTo(new GatewayTestClient.Close(1008, "handshake timeout"));
    }

    @Test
    void frameLargerThan64KiBBeforeAuthenticationClosesTheSocket() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = track(GatewayTestClient.open(simulator.url()));
        client.challenge();
        var params = backendConnect(TOKEN, READ);
        params.put("userAgent", "x".repeat(70 * 1024));

        client.sendText("{\"type\":\"req\",\"id\":\"big\",\"method\":\"connect\",\"params\":" + params + "}");

        assertThat(client.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void controlApiChangesReachSubscribersInStoreOrder() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = connect();
        client.call("sessions.subscribe", object());

        simulator.sessions().create("agent:main:ctl", object().put("label", "made by control"));
        simulator.sessions().patch("agent:main:ctl", object().put("label", "patched by control"), null);
        simulator.sessions().delete("agent:main:ctl");

        client.awaitFrame(frame -> client.events("sessions.changed").size() >= 4);
        List<String> reasons = client.events("sessions.changed").stream()
                .map(frame -> frame.path("payload").path("reason").asString() + ":"
                        + frame.path("payload").path("sessionKey").asString("-"))
                .toList();
        assertThat(reasons).containsExactly("create:agent:main:ctl", "patch:agent:main:ctl", "delete:agent:main:ctl",
                "delete:-");
    }

    @Test
    void unsubscribedSocketsGetNoSessionChanges() {
        start(SimulatorConfig.defaults(TOKEN).withTickInterval(Duration.ofMillis(50)));
        GatewayTestClient quiet = connect();
        GatewayTestClient subscriber = connect();
        subscriber.call("sessions.subscribe", object());

        simulator.sessions().create("agent:main:only-for-subscribers", object());
        subscriber.awaitFrame(event("sessions.changed"));
        quiet.awaitFrame(frame -> quiet.events("tick").size() >= 2);

        assertThat(quiet.events("sessions.changed")).isEmpty();
    }

    @Test
    void sessionsAcrossSeveralAgentsAreListedAndFilteredByAgent() {
        start(SimulatorConfig.defaults(TOKEN).withAgents(AgentCatalog.ofCount(3)));
        GatewayTestClient client = connect();
        simulator.sessions().create("agent:main:a", object());
        simulator.sessions().create("agent:agent-2:b", object());
        simulator.sessions().create("agent:agent-3:c", object());

        JsonNode agents = client.call("agents.list", object());
        JsonNode onlySecond = client.call("sessions.list", object().put("agentId", "agent-2"));

        assertThat(agents.path("defaultId").asString()).isEqualTo("main");
        assertThat(agents.path("agents").size()).isEqualTo(3);
        assertThat(onlySecond.path("totalCount").asInt()).isEqualTo(1);
        assertThat(onlySecond.path("sessions").get(0).path("key").asString()).isEqualTo("agent:agent-2:b");
    }

    @Test
    void stopSendsShutdownWithoutRestartThenClose1012() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = connect();

        simulator.stop();

        JsonNode shutdown = client.awaitFrame(event("shutdown"));
        assertThat(shutdown.path("payload").path("restartExpectedMs").isNull()).isTrue();
        assertThat(client.awaitClose().code()).isEqualTo(1012);
        simulator = null;
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
