package io.crewstream.sim.server;

import static io.crewstream.sim.client.GatewayTestClient.backendConnect;
import static io.crewstream.sim.client.GatewayTestClient.event;
import static io.crewstream.sim.client.GatewayTestClient.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.client.GatewayTestClient;
import io.crewstream.sim.run.ActivityPlan;
import io.crewstream.sim.run.ErrorKind;
import io.crewstream.sim.run.RunHandle;
import io.crewstream.sim.run.RunOutcome;
import io.crewstream.sim.run.RunScript;
import io.crewstream.sim.run.Usage;
import io.crewstream.sim.session.Agent;

/** Agent runs over a real socket: who receives which frame, in which order, and what a restart does to open runs. */
class RunActivityProtocolTest {

    private static final String TOKEN = "runs-token";
    private static final String READ = "operator.read";
    private static final String KEY = "agent:main:busy";

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
    void toolStreamAgentEventsReachOnlySocketsThatDeclaredToolEvents() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient withCap = connect(caps("tool-events"));
        GatewayTestClient subscriber = connect(backendConnect(TOKEN, READ));
        subscriber.call("sessions.subscribe", object());
        GatewayTestClient plain = connect(backendConnect(TOKEN, READ));
        simulator.sessions().create(KEY, object());

        RunHandle run = simulator.runs().start(KEY);
        run.toolEnd(run.toolStart("read"), false);
        run.finish(new Usage(10, 2));
        List.of(withCap, subscriber, plain).forEach(client -> client.awaitFrame(chat("final")));

        assertThat(agentStreams(withCap)).containsExactly("lifecycle", "tool", "tool", "usage", "lifecycle");
        assertThat(withCap.events("session.tool")).isEmpty();
        assertThat(agentStreams(subscriber)).containsExactly("lifecycle", "usage", "lifecycle");
        assertThat(subscriber.events("session.tool")).extracting(f -> f.path("payload").path("data").path("phase")
                .asString()).containsExactly("start", "result");
        assertThat(subscriber.events("session.tool").get(0).path("payload").path("session").path("key").asString())
                .isEqualTo(KEY);
        assertThat(agentStreams(plain)).containsExactly("lifecycle", "usage", "lifecycle");
        assertThat(plain.events("session.tool")).isEmpty();
    }

    @Test
    void scriptedRunArrivesInOrderWithPerRunSeqAndTheRowFollowsIt() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = connect(caps("tool-events"));
        client.call("sessions.subscribe", object());
        simulator.sessions().create(KEY, object());
        RunScript script = RunScript.builder().think(Duration.ofMillis(30)).say("Checking.")
                .tool("read", Duration.ofMillis(50)).failingTool("exec", Duration.ofMillis(30))
                .fail(ErrorKind.RATE_LIMIT, "429 from provider");

        RunOutcome outcome = simulator.runs().play(KEY, script).join();
        JsonNode lastChange = client.awaitFrame(frame -> "error".equals(frame.path("payload").path("phase")
                .asString("")));

        assertThat(outcome).isEqualTo(new RunOutcome.Failed(ErrorKind.RATE_LIMIT, "429 from provider"));
        List<JsonNode> frames = client.framesInOrder().stream().filter(runFrame()).toList();
        assertThat(frames).extracting(RunActivityProtocolTest::label).containsExactly(
                "agent:lifecycle:start", "sessions.changed:start", "agent:assistant", "chat:delta",
                "agent:tool:start", "agent:tool:result", "agent:tool:start", "agent:tool:result",
                "agent:lifecycle:error", "chat:error", "sessions.changed:error");
        List<JsonNode> agent = frames.stream().filter(event("agent")).toList();
        assertThat(agent).extracting(f -> f.path("payload").path("seq").asLong())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(agent.get(5).path("payload").path("data").path("isError").asBoolean()).isTrue();
        List<JsonNode> chat = frames.stream().filter(event("chat")).toList();
        assertThat(chat).extracting(f -> f.path("payload").path("seq").asLong()).containsExactly(2L, 7L);
        JsonNode error = chat.get(1).path("payload");
        assertThat(error.path("errorKind").asString()).isEqualTo("rate_limit");
        assertThat(error.path("errorMessage").asString()).isEqualTo("429 from provider");
        JsonNode row = lastChange.path("payload");
        String runId = agent.get(0).path("payload").path("runId").asString();
        assertThat(row.path("runId").asString()).isEqualTo(runId);
        assertThat(row.path("status").asString()).isEqualTo("failed");
        assertThat(row.path("hasActiveRun").asBoolean()).isFalse();
        assertThat(row.path("lastRunId").asString()).isEqualTo(runId);
        assertThat(row.path("lastRunError").asString()).isEqualTo("429 from provider");
        assertThat(frames).extracting(f -> f.path("seq").asLong()).isSorted();
    }

    @Test
    void restartCutsOpenRunsOffWithoutAnEndEventAndRowsShowNoActiveRunAfterwards() {
        start(SimulatorConfig.defaults(TOKEN));
        simulator.sessions().create(KEY, object());
        GatewayTestClient before = connect(caps("tool-events"));
        before.call("sessions.subscribe", object());
        RunHandle run = simulator.runs().start(KEY);
        run.toolStart("exec");
        before.awaitFrame(frame -> "tool".equals(frame.path("payload").path("stream").asString("")));

        simulator.faults().restart(Duration.ofMillis(300)).join();
        before.awaitClose();
        GatewayTestClient after = connect(backendConnect(TOKEN, READ));
        JsonNode row = after.call("sessions.list", object()).path("sessions").get(0);

        assertThat(before.framesInOrder()).noneMatch(frame -> "chat".equals(frame.path("event").asString(""))
                || List.of("end", "error").contains(frame.path("payload").path("phase").asString(""))
                || List.of("end", "error").contains(frame.path("payload").path("data").path("phase").asString("")));
        assertThat(run.outcome().join()).isEqualTo(new RunOutcome.CutOff());
        assertThat(simulator.runs().openRunIds()).isEmpty();
        assertThat(row.path("key").asString()).isEqualTo(KEY);
        assertThat(row.path("hasActiveRun").asBoolean()).isFalse();
        assertThat(row.path("activeRunIds").isEmpty()).isTrue();
        assertThat(row.path("status").asString()).isEqualTo("failed");
    }

    @Test
    void sessionScopedEventsSocketGetsRunEventsOnlyForKeysItSubscribedTo() {
        start(SimulatorConfig.defaults(TOKEN));
        simulator.sessions().create(KEY, object());
        simulator.sessions().create("agent:main:other", object());
        GatewayTestClient scoped = connect(caps("session-scoped-events"));
        JsonNode subscribed = scoped.call("sessions.messages.subscribe", object().put("key", KEY));

        simulator.runs().start("agent:main:other").finish(Usage.NONE);
        simulator.runs().start(KEY).finish(Usage.NONE);
        scoped.awaitFrame(chat("final"));

        assertThat(subscribed.toString()).isEqualTo("{\"subscribed\":true,\"key\":\"" + KEY + "\"}");
        assertThat(scoped.framesInOrder().stream().filter(event("agent").or(event("chat"))))
                .allMatch(frame -> KEY.equals(frame.path("payload").path("sessionKey").asString()))
                .isNotEmpty();
    }

    @Test
    void runEventsNeedTheReadScope() {
        start(SimulatorConfig.defaults(TOKEN).withTickInterval(Duration.ofMillis(50)));
        simulator.sessions().create(KEY, object());
        GatewayTestClient noScope = connect(backendConnect(TOKEN));

        simulator.runs().start(KEY).finish(Usage.NONE);
        noScope.awaitFrame(frame -> noScope.events("tick").size() >= 2);

        assertThat(noScope.events("agent")).isEmpty();
        assertThat(noScope.events("chat")).isEmpty();
    }

    @Test
    void agentsAddedAndRemovedAtRuntimeShowInAgentsListAfterAConfigChangedEvent() {
        start(SimulatorConfig.defaults(TOKEN));
        GatewayTestClient client = connect(backendConnect(TOKEN, READ));

        simulator.addAgent(new Agent("reviewer", "Reviewer", "openai", "gpt-6-astra"));
        JsonNode added = client.awaitFrame(event("config.changed"));
        JsonNode withReviewer = client.call("agents.list", object());
        simulator.removeAgent("reviewer");
        client.awaitFrame(frame -> client.events("config.changed").size() == 2);
        JsonNode without = client.call("agents.list", object());

        assertThat(added.path("payload").path("path").asString()).isNotBlank();
        assertThat(added.path("payload").path("hash").asString()).startsWith("hmac-sha256:");
        assertThat(added.path("payload").path("ts").isIntegralNumber()).isTrue();
        assertThat(withReviewer.path("agents")).extracting(a -> a.path("id").asString())
                .containsExactly("main", "reviewer");
        assertThat(without.path("agents")).extracting(a -> a.path("id").asString()).containsExactly("main");
    }

    @Test
    void activityGeneratorStartsRunsOnExistingSessionsWhenConfigured() {
        start(SimulatorConfig.defaults(TOKEN).withActivity(new ActivityPlan(1200, 3)));
        simulator.sessions().create(KEY, object());
        simulator.sessions().create("agent:main:second", object());
        GatewayTestClient client = connect(backendConnect(TOKEN, READ));

        await().atMost(Duration.ofSeconds(20)).until(() -> client.events("chat").stream()
                .anyMatch(frame -> !"delta".equals(frame.path("payload").path("state").asString())));

        assertThat(simulator.activity().runsStarted()).isPositive();
        assertThat(client.events("agent")).anyMatch(frame ->
                "start".equals(frame.path("payload").path("data").path("phase").asString("")));
    }

    @Test
    void activityIsOffByDefault() {
        start(SimulatorConfig.defaults(TOKEN).withTickInterval(Duration.ofMillis(50)));
        simulator.sessions().create(KEY, object());
        GatewayTestClient client = connect(backendConnect(TOKEN, READ));

        client.awaitFrame(frame -> client.events("tick").size() >= 4);

        assertThat(client.events("agent")).isEmpty();
        assertThat(simulator.activity().runsStarted()).isZero();
    }

    private static ObjectNode caps(String cap) {
        ObjectNode params = backendConnect(TOKEN, READ);
        params.putArray("caps").add(cap);
        return params;
    }

    private static Predicate<JsonNode> chat(String state) {
        return frame -> "chat".equals(frame.path("event").asString(""))
                && state.equals(frame.path("payload").path("state").asString(""));
    }

    private static Predicate<JsonNode> runFrame() {
        return event("agent").or(event("chat")).or(event("sessions.changed")
                .and(frame -> frame.path("payload").has("phase")));
    }

    private static List<String> agentStreams(GatewayTestClient client) {
        return client.events("agent").stream().map(f -> f.path("payload").path("stream").asString()).toList();
    }

    private static String label(JsonNode frame) {
        JsonNode payload = frame.path("payload");
        return switch (frame.path("event").asString()) {
            case "agent" -> "agent:" + payload.path("stream").asString()
                    + (payload.path("data").has("phase") ? ":" + payload.path("data").path("phase").asString() : "");
            case "chat" -> "chat:" + payload.path("state").asString();
            default -> frame.path("event").asString() + ":" + payload.path("phase").asString();
        };
    }

    private void start(SimulatorConfig config) {
        simulator = new OpenClawSimulator(config);
        simulator.start();
    }

    private GatewayTestClient connect(ObjectNode params) {
        GatewayTestClient client = GatewayTestClient.connected(simulator.url(), params);
        clients.add(client);
        return client;
    }
}
