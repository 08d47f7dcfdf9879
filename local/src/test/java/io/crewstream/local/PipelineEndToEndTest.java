package io.crewstream.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.crewstream.local.apps.EmbeddedApp;
import io.crewstream.local.kafka.TopicSetup;
import io.crewstream.local.pipeline.PipelineApps;
import io.crewstream.local.pipeline.PipelineConfig;
import io.crewstream.local.support.FreePorts;
import io.crewstream.local.support.SseClient;
import io.crewstream.local.support.RunningParts;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole pipeline, every part real: an OpenClaw gateway (the simulator, on a real socket) → ingestor → Kafka
 * (the shared test broker) → projector → Kafka → SSE gateway → an HTTP client reading {@code /api/events} as a
 * browser does. Each test has its own topics, gateway and apps.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PipelineEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOKEN = "e2e-gateway-token";

    private final RunningParts running = new RunningParts();

    @TempDir
    Path state;

    @AfterEach
    void stopEverything() throws Exception {
        this.running.close();
    }

    /**
     * The seed scenario: the dashboard connects while the gateway is down, the gateway comes up later, and its
     * sessions arrive on the stream that is already open (the seed's UI stayed empty until a reload).
     */
    @Test
    void sessionsArriveOnTheOpenStreamWhenTheGatewayComesUpAfterTheBrowserConnected(KafkaBroker broker) {
        int gatewayPort = FreePorts.next();
        PipelineConfig config = TestPipelines.config(broker, "seed", this.state,
                URI.create("ws://127.0.0.1:" + gatewayPort), TOKEN);
        String connectionId = config.upstream().id();
        startPipeline(config);
        EmbeddedApp sse = this.running.start(PipelineApps.sseGateway(config));

        SseClient browser = open(sse.port());
        await().atMost(PATIENCE).until(() -> !browser.events(SseEventType.SESSIONS_REFRESH).isEmpty());
        assertThat(browser.events(SseEventType.SESSIONS_REFRESH).get(0).json().path("sessions").isEmpty())
                .as("nothing is known yet").isTrue();
        this.running.start(PipelineApps.ingestor(config));
        await().atMost(PATIENCE).until(() -> browser.sawGatewayState(connectionId, "unreachable"));
        assertThat(browser.sawSession("agent:main:one")).isFalse();

        OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN).withPort(gatewayPort));
        gateway.sessions().create("agent:main:one", fields("One"));
        gateway.sessions().create("agent:main:two", fields("Two"));
        gateway.start();
        this.running.add(gateway);

        await().atMost(PATIENCE).until(() -> browser.sawSession("agent:main:one") && browser.sawSession("agent:main:two"));
        await().atMost(PATIENCE).until(() -> browser.sawGatewayState(connectionId, "connected"));
        JsonNode created = browser.events(SseEventType.SESSION_CREATED).get(0).json();
        assertThat(created.path("connectionId").asString()).isEqualTo(connectionId);
        assertThat(created.path("label").asString()).isIn("One", "Two");
    }

    /**
     * A gateway restart is visible (disconnected, then connected), the last known sessions stay on the dashboard
     * meanwhile, and afterwards the dashboard is truthful again: a session deleted during the downtime is removed.
     */
    @Test
    void gatewayRestartShowsDisconnectedKeepsTheSessionsThenMakesThemTruthful(KafkaBroker broker) {
        OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        gateway.sessions().create("agent:main:stays", fields("Stays"));
        gateway.sessions().create("agent:main:goes", fields("Goes"));
        gateway.start();
        this.running.add(gateway);
        PipelineConfig config = TestPipelines.config(broker, "restart", this.state, gateway.url(), TOKEN);
        String connectionId = config.upstream().id();
        startPipeline(config);
        EmbeddedApp sse = this.running.start(PipelineApps.sseGateway(config));
        this.running.start(PipelineApps.ingestor(config));
        SseClient browser = open(sse.port());
        await().atMost(PATIENCE).until(() -> browser.sawGatewayState(connectionId, "connected")
                || refreshShows(browser, connectionId, "connected"));
        await().atMost(PATIENCE).ignoreExceptions().until(() -> SseClient.get(sse.port(), "/api/sessions").contains("agent:main:goes"));

        gateway.faults().restart(Duration.ofSeconds(3));
        await().atMost(PATIENCE).until(() -> browser.sawGatewayState(connectionId, "disconnected"));
        gateway.sessions().delete("agent:main:goes");
        String whileDown = SseClient.get(sse.port(), "/api/sessions");
        assertThat(whileDown).as("the last known sessions stay, marked stale by the gateway's state")
                .contains("agent:main:stays", "agent:main:goes");
        assertThat(browser.sawRemoval("agent:main:goes")).isFalse();

        int statusesBefore = browser.events(SseEventType.GATEWAY_STATUS).size();
        await().atMost(PATIENCE).until(() -> browser.events(SseEventType.GATEWAY_STATUS).stream()
                .skip(statusesBefore)
                .anyMatch(event -> event.json().path("state").asString().equals("connected")));
        await().atMost(PATIENCE).until(() -> browser.sawRemoval("agent:main:goes"));
        assertThat(SseClient.get(sse.port(), "/api/sessions")).contains("agent:main:stays")
                .doesNotContain("agent:main:goes");
    }

    /** A change made while the projector is down reaches the open stream once the projector is back. */
    @Test
    void changeMadeWhileTheProjectorIsDownArrivesAfterItRestarts(KafkaBroker broker) {
        OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        gateway.sessions().create("agent:main:before", fields("Before"));
        gateway.start();
        this.running.add(gateway);
        PipelineConfig config = TestPipelines.config(broker, "projector-restart", this.state, gateway.url(), TOKEN);
        new TopicSetup(config.bootstrapServers(), config.namespace(), config.partitions(),
                TopicReplication.SINGLE).createMissing();
        EmbeddedApp projector = PipelineApps.projector(config);
        projector.start();
        this.running.add(projector::stop);
        EmbeddedApp sse = this.running.start(PipelineApps.sseGateway(config));
        this.running.start(PipelineApps.ingestor(config));
        SseClient browser = open(sse.port());
        await().atMost(PATIENCE).ignoreExceptions().until(() -> SseClient.get(sse.port(), "/api/sessions").contains("agent:main:before"));

        projector.stop();
        gateway.sessions().create("agent:main:during", fields("During"));
        EmbeddedApp restarted = this.running.start(PipelineApps.projector(config));

        await().atMost(PATIENCE).until(() -> browser.sawSession("agent:main:during"));
        assertThat(restarted.isRunning()).isTrue();
    }

    private void startPipeline(PipelineConfig config) {
        new TopicSetup(config.bootstrapServers(), config.namespace(), config.partitions(),
                TopicReplication.SINGLE).createMissing();
        this.running.start(PipelineApps.projector(config));
    }


    private SseClient open(int port) {
        SseClient client = SseClient.connect(port);
        this.running.add(client);
        return client;
    }

    private static boolean refreshShows(SseClient browser, String connectionId, String state) {
        return browser.events(SseEventType.SESSIONS_REFRESH).stream()
                .flatMap(event -> event.json().path("gateways").valueStream())
                .anyMatch(gateway -> connectionId.equals(gateway.path("connectionId").asString())
                        && state.equals(gateway.path("state").asString()));
    }

    private static ObjectNode fields(String label) {
        return JsonNodeFactory.instance.objectNode().put("label", label);
    }
}
