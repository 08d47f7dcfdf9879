package io.crewstream.local;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.crewstream.local.apps.EmbeddedApp;
import io.crewstream.local.kafka.TopicSetup;
import io.crewstream.local.pipeline.PipelineApps;
import io.crewstream.local.pipeline.PipelineConfig;
import io.crewstream.local.support.RunningParts;
import io.crewstream.local.support.SseClient;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.SseSession;
import io.crewstream.sim.run.ErrorKind;
import io.crewstream.sim.run.RunScript;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agent activity through the whole pipeline (issue #15), every part real: a scripted run in the OpenClaw simulator
 * (two tool calls, then a rate-limit error) → ingestor ({@code run-events}) → projector ({@code session-activity},
 * {@code agent-state}) → SSE gateway → a client reading {@code /api/events} as a browser does.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AgentActivityEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOKEN = "activity-gateway-token";
    private static final String SESSION = "agent:main:main";

    private final RunningParts running = new RunningParts();

    @TempDir
    Path state;

    @AfterEach
    void stopEverything() throws Exception {
        this.running.close();
    }

    @Test
    void aBrowserSeesAScriptedRunMoveThroughItsToolsToItsErrorAndBackToIdleInOrder(KafkaBroker broker) {
        OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        gateway.sessions().create(SESSION, JsonNodeFactory.instance.objectNode().put("label", "Main"));
        gateway.start();
        this.running.add(gateway);
        PipelineConfig config = TestPipelines.config(broker, "activity", this.state, gateway.url(), TOKEN);
        new TopicSetup(config.bootstrapServers(), config.namespace(), config.partitions(),
                TopicReplication.SINGLE).createMissing();
        // The error is shown for a second here (30 s by default), so that the return to idle is part of the test.
        this.running.start(PipelineApps.projector(config).with("crewstream.projector.activity.error-hold", "1s"));
        EmbeddedApp sse = this.running.start(PipelineApps.sseGateway(config));
        this.running.start(PipelineApps.ingestor(config));
        SseClient browser = SseClient.connect(sse.port());
        this.running.add(browser);
        await().atMost(PATIENCE).until(() -> browser.sawSession(SESSION));

        gateway.runs().play(SESSION, RunScript.builder()
                .think(Duration.ofMillis(300))
                .tool("read", Duration.ofMillis(400))
                .think(Duration.ofMillis(300))
                .tool("exec", Duration.ofMillis(400))
                .think(Duration.ofMillis(300))
                .fail(ErrorKind.RATE_LIMIT, "429 rate limited")).join();

        List<String> expected = List.of("idle", "thinking", "running-tool(read)", "thinking", "running-tool(exec)",
                "thinking", "error(rate_limit)", "idle");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(activitySteps(browser).stream().map(Step::name))
                .containsExactlyElementsOf(expected));
        assertThat(browser.events(SseEventType.AGENT_UPDATED)).as("the agent ran the same tools, live")
                .anySatisfy(agent -> assertThat(agent.json().path("currentTool").path("toolName").asString())
                        .isEqualTo("read"))
                .anySatisfy(agent -> assertThat(agent.json().path("currentTool").path("toolName").asString())
                        .isEqualTo("exec"))
                .anySatisfy(agent -> assertThat(agent.json().path("lastError").path("kind").asString())
                        .isEqualTo("rate_limit"));
        // Timing is reported, not asserted (benchmarks judge latency): from the gateway's stamp to this client.
        activitySteps(browser).stream().skip(1).forEach(step -> System.out.println("activity step " + step.name()
                + " reached the client " + (step.receivedAt().toEpochMilli() - step.since()) + " ms after it happened"));
    }

    /** One activity a client saw: its name, when it began (the gateway's time), when the client had it. */
    private record Step(String name, long since, Instant receivedAt) {
    }

    /** The session's activity as a client saw it, one entry per change (an absent activity is idle). */
    private static List<Step> activitySteps(SseClient browser) {
        List<Step> steps = new ArrayList<>();
        for (SseClient.Event event : browser.events()) {
            JsonNode session = session(event);
            if (session == null) {
                continue;
            }
            String step = step(session);
            if (steps.isEmpty() || !steps.get(steps.size() - 1).name().equals(step)) {
                steps.add(new Step(step, session.path(SseSession.ACTIVITY_FIELD).path("since").asLong(0),
                        event.receivedAt()));
            }
        }
        return steps;
    }

    private static JsonNode session(SseClient.Event event) {
        if (event.type() == SseEventType.SESSIONS_REFRESH) {
            for (JsonNode session : event.json().path("sessions")) {
                if (SESSION.equals(session.path("key").asString())) {
                    return session;
                }
            }
            return null;
        }
        if (event.type() == SseEventType.SESSION_CREATED || event.type() == SseEventType.SESSION_UPDATED) {
            JsonNode session = event.json();
            return SESSION.equals(session.path("key").asString()) ? session : null;
        }
        return null;
    }

    private static String step(JsonNode session) {
        JsonNode activity = session.path(SseSession.ACTIVITY_FIELD);
        String state = activity.isMissingNode() ? "idle" : activity.path("state").asString();
        return switch (state) {
            case "running-tool" -> state + "(" + activity.path("toolName").asString() + ")";
            case "error" -> state + "(" + activity.path("lastError").path("kind").asString() + ")";
            default -> state;
        };
    }
}
