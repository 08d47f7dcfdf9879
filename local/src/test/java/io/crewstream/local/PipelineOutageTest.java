package io.crewstream.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.crewstream.local.apps.EmbeddedApp;
import io.crewstream.local.kafka.EmbeddedKafkaBroker;
import io.crewstream.local.kafka.TopicSetup;
import io.crewstream.local.pipeline.PipelineApps;
import io.crewstream.local.pipeline.PipelineConfig;
import io.crewstream.local.support.FreePorts;
import io.crewstream.local.support.RunningParts;
import io.crewstream.local.support.SseClient;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.sse.PipelineStatus;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline losing a part under a connected dashboard, every part real: the dashboard is told its view is paused
 * within a stated bound instead of going on showing "Live" and "connected", and once the part is back it is told the
 * view is live and receives what it missed, on the same stream, without a reload.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PipelineOutageTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private static final String TOKEN = "outage-gateway-token";

    /** The ingestor restates each status every second; the SSE gateway pauses after 3 s (its least) without Kafka. */
    private static final Map<String, String> SETTINGS = Map.of(
            "crewstream.ingestor.connection.status-interval", "1s",
            "crewstream.sse.pause-after", "3s");

    /**
     * Kafka unanswered for pause-after (3 s), found by a probe every half second that may wait a second, judged every
     * half second: 5 s. The bound leaves room for a loaded machine.
     */
    private static final Duration BROKER_PAUSE_BOUND = Duration.ofSeconds(10);

    /** No restatement for 2 x status-interval + pause-after (5 s), judged every half second: 5.5 s, with room. */
    private static final Duration GATEWAY_PAUSE_BOUND = Duration.ofSeconds(12);

    private final RunningParts running = new RunningParts();

    @TempDir
    Path state;

    @AfterEach
    void stopEverything() throws Exception {
        this.running.close();
    }

    @Test
    void brokerStoppedUnderAConnectedStreamIsShownPausedWithinTheBoundThenLiveWithWhatWasMissed() throws IOException {
        EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(this.state.resolve("kafka"), FreePorts.next(),
                FreePorts.next());
        kafka.start();
        this.running.add(kafka::stop);
        OpenClawSimulator gateway = gateway();
        gateway.sessions().create("agent:main:before", fields("Before"));
        PipelineConfig config = config(kafka.bootstrapServers(), "broker-outage", gateway);
        EmbeddedApp sse = startPipeline(config);
        SseClient browser = open(sse.port());
        await().atMost(PATIENCE).until(() -> browser.knownSessionKeys().contains("agent:main:before"));
        assertThat(lastPipelineState(browser)).isEqualTo("live");

        long stopping = System.nanoTime();
        kafka.stop();
        long stopped = System.nanoTime();
        await().atMost(BROKER_PAUSE_BOUND).until(() -> "paused".equals(lastPipelineState(browser)));
        Duration toPaused = Duration.ofNanos(System.nanoTime() - stopped);
        SseClient.Event paused = last(browser, SseEventType.PIPELINE_STATUS);
        assertThat(paused.json().path("reasonCode").asString()).isEqualTo(PipelineStatus.KAFKA_UNREACHABLE);
        assertThat(paused.json().path("reason").asString()).startsWith("Kafka unreachable");
        assertThat(SseClient.get(sse.port(), "/api/sessions")).as("the last known state is still served")
                .contains("agent:main:before").contains("\"state\":\"paused\"");
        System.out.printf("paused reached the client %d ms after the broker's shutdown began, %d ms after it ended%n",
                Duration.ofNanos(System.nanoTime() - stopping).toMillis() - 0, toPaused.toMillis());

        gateway.sessions().create("agent:main:during", fields("During"));
        gateway.sessions().patch("agent:main:before", fields("Before, changed while Kafka was down"), null);
        kafka.start();

        await().atMost(PATIENCE).until(() -> "live".equals(lastPipelineState(browser)));
        await().atMost(PATIENCE).until(() -> browser.knownSessionKeys().contains("agent:main:during"));
        await().atMost(PATIENCE).until(() -> browser.events(SseEventType.SESSION_UPDATED).stream()
                .anyMatch(event -> event.json().path("label").asString().contains("changed while Kafka was down")));
    }

    @Test
    void projectorStoppedUnderAConnectedStreamShowsTheGatewayPausedThenConnectedOnceItIsBack(KafkaBroker broker)
            throws IOException {
        OpenClawSimulator gateway = gateway();
        PipelineConfig config = config(broker.bootstrapServers(), "projector-outage", gateway);
        String connectionId = config.upstream().id();
        new TopicSetup(config.bootstrapServers(), config.namespace(), config.partitions(), TopicReplication.SINGLE).createMissing();
        EmbeddedApp projector = PipelineApps.projector(config);
        projector.start();
        this.running.add(projector::stop);
        EmbeddedApp sse = this.running.start(PipelineApps.sseGateway(config));
        this.running.start(PipelineApps.ingestor(config));
        SseClient browser = open(sse.port());
        await().atMost(PATIENCE).until(() -> browser.sawGatewayState(connectionId, "connected"));

        projector.stop();
        await().atMost(GATEWAY_PAUSE_BOUND).until(() -> browser.events(SseEventType.GATEWAY_STATUS).stream()
                .anyMatch(event -> event.json().hasNonNull("pausedSince")));
        SseClient.Event paused = browser.events(SseEventType.GATEWAY_STATUS).stream()
                .filter(event -> event.json().hasNonNull("pausedSince")).findFirst().orElseThrow();
        assertThat(paused.json().path("state").asString()).as("the last known state, marked paused")
                .isEqualTo("connected");
        assertThat(paused.json().path("stale").asBoolean()).isTrue();
        assertThat(lastPipelineState(browser)).as("Kafka itself answers: only this gateway is paused")
                .isEqualTo("live");

        this.running.start(PipelineApps.projector(config));
        await().atMost(PATIENCE).until(() -> {
            SseClient.Event last = last(browser, SseEventType.GATEWAY_STATUS);
            return !last.json().hasNonNull("pausedSince") && "connected".equals(last.json().path("state").asString());
        });
    }

    private OpenClawSimulator gateway() {
        OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        gateway.start();
        this.running.add(gateway);
        return gateway;
    }

    private PipelineConfig config(String bootstrapServers, String hint, OpenClawSimulator gateway) throws IOException {
        Path tokenFile = this.state.resolve(hint + ".token");
        Files.writeString(tokenFile, TOKEN);
        Map<String, String> settings = new HashMap<>(TestPipelines.QUICK);
        settings.putAll(SETTINGS);
        String prefix = hint + "-" + System.nanoTime();
        return new PipelineConfig(bootstrapServers, new TopicNamespace(prefix), 1, 0, 0, 0, 0,
                this.state.resolve(hint + "-projector"), this.state.resolve(hint + "-agent-usage"),
                prefix + "-projector", new PipelineConfig.Upstream("gw-" + hint, gateway.url(), tokenFile), settings);
    }

    private EmbeddedApp startPipeline(PipelineConfig config) {
        new TopicSetup(config.bootstrapServers(), config.namespace(), config.partitions(), TopicReplication.SINGLE).createMissing();
        this.running.start(PipelineApps.projector(config));
        EmbeddedApp sse = this.running.start(PipelineApps.sseGateway(config));
        this.running.start(PipelineApps.ingestor(config));
        return sse;
    }

    private SseClient open(int port) {
        SseClient client = SseClient.connect(port);
        this.running.add(client);
        return client;
    }

    private static String lastPipelineState(SseClient browser) {
        SseClient.Event last = last(browser, SseEventType.PIPELINE_STATUS);
        return last == null ? null : last.json().path("state").asString();
    }

    private static SseClient.Event last(SseClient browser, SseEventType type) {
        var events = browser.events(type);
        return events.isEmpty() ? null : events.get(events.size() - 1);
    }

    private static ObjectNode fields(String label) {
        return JsonNodeFactory.instance.objectNode().put("label", label);
    }
}
