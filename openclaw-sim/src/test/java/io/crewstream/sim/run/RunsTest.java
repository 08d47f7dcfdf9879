package io.crewstream.sim.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.session.AgentCatalog;
import io.crewstream.sim.session.SessionChange;
import io.crewstream.sim.session.SessionStore;

/** Runs as plain objects: the frames a run produces, their seq, and the row it moves. */
class RunsTest {

    private static final String KEY = "agent:main:work";

    private final RecordingSink sink = new RecordingSink();
    private final List<SessionChange> changes = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final SessionStore store = new SessionStore(AgentCatalog.ofCount(1), clock);
    private ScheduledExecutorService scheduler;
    private Runs runs;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        runs = new Runs(store, sink, scheduler, clock);
        store.create(KEY, Json.object());
        store.addListener(changes::add);
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    @Test
    void startMarksTheRowRunningAndSendsLifecycleStartWithSeqOne() {
        RunHandle run = runs.start(KEY);

        JsonNode start = sink.agent.get(0);
        assertThat(start.path("runId").asString()).isEqualTo(run.runId());
        assertThat(start.path("stream").asString()).isEqualTo("lifecycle");
        assertThat(start.path("seq").asLong()).isEqualTo(1);
        assertThat(start.path("data").path("phase").asString()).isEqualTo("start");
        assertThat(start.path("sessionKey").asString()).isEqualTo(KEY);
        assertThat(start.path("agentId").asString()).isEqualTo("main");
        assertThat(start.path("sessionId").asString()).isEqualTo(store.get(KEY).orElseThrow().get("sessionId").asString());

        JsonNode payload = changes.get(0).toPayload();
        assertThat(payload.path("phase").asString()).isEqualTo("start");
        assertThat(payload.path("runId").asString()).isEqualTo(run.runId());
        assertThat(payload.has("reason")).as("the lifecycle variant has no reason").isFalse();
        assertThat(payload.has("model")).as("lifecycle projections leave the model out").isFalse();
        assertThat(payload.path("status").asString()).isEqualTo("running");
        assertThat(payload.path("hasActiveRun").asBoolean()).isTrue();
        assertThat(payload.path("activeRunIds").toString()).isEqualTo("[\"" + run.runId() + "\"]");
        assertThat(payload.path("session").path("status").asString()).isEqualTo("running");
    }

    @Test
    void chatEventsCarryTheSeqOfTheAgentEventThatCausedThem() {
        RunHandle run = runs.start(KEY);
        run.assistantText("Hello");
        run.assistantText(" world");
        run.finish(new Usage(100, 20));

        assertThat(sink.agent).extracting(frame -> frame.path("stream").asString())
                .containsExactly("lifecycle", "assistant", "assistant", "usage", "lifecycle");
        assertThat(sink.agent).extracting(frame -> frame.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(sink.chat).extracting(frame -> frame.path("state").asString() + "@" + frame.path("seq").asLong())
                .containsExactly("delta@2", "delta@3", "final@5");
        assertThat(sink.agent.get(2).path("data").path("text").asString()).isEqualTo("Hello world");
        assertThat(sink.agent.get(2).path("data").path("delta").asString()).isEqualTo(" world");
        JsonNode last = sink.chat.get(2);
        assertThat(last.path("message").path("content").get(0).path("text").asString()).isEqualTo("Hello world");
        assertThat(sink.droppable).containsExactly(true, true, false);
    }

    @Test
    void finishAddsUsageToTheRowAndRecordsTheRunAsDone() {
        RunHandle first = runs.start(KEY);
        first.finish(new Usage(100, 20));
        RunHandle second = runs.start(KEY);
        second.finish(new Usage(50, 5));

        JsonNode row = store.get(KEY).orElseThrow();
        assertThat(row.path("inputTokens").asLong()).isEqualTo(150);
        assertThat(row.path("outputTokens").asLong()).isEqualTo(25);
        assertThat(row.path("totalTokens").asLong()).isEqualTo(175);
        assertThat(row.path("status").asString()).isEqualTo("done");
        assertThat(row.path("hasActiveRun").asBoolean()).isFalse();
        assertThat(row.path("activeRunIds").isEmpty()).isTrue();
        assertThat(row.path("lastRunId").asString()).isEqualTo(second.runId());
        assertThat(changes.get(changes.size() - 1).phase()).isEqualTo("end");
        assertThat(second.outcome().join()).isEqualTo(new RunOutcome.Finished(new Usage(50, 5)));
    }

    @Test
    void failureSendsLifecycleErrorAndChatErrorWithKindAndMessage() {
        RunHandle run = runs.start(KEY);
        run.fail(ErrorKind.RATE_LIMIT, "429 from provider");

        JsonNode error = sink.agent.get(1);
        assertThat(error.path("data").path("phase").asString()).isEqualTo("error");
        assertThat(error.path("data").path("error").asString()).isEqualTo("429 from provider");
        JsonNode chat = sink.chat.get(0);
        assertThat(chat.path("state").asString()).isEqualTo("error");
        assertThat(chat.path("errorKind").asString()).isEqualTo("rate_limit");
        assertThat(chat.path("errorMessage").asString()).isEqualTo("429 from provider");
        assertThat(chat.path("seq").asLong()).isEqualTo(2);
        JsonNode row = store.get(KEY).orElseThrow();
        assertThat(row.path("status").asString()).isEqualTo("failed");
        assertThat(row.path("lastRunError").asString()).isEqualTo("429 from provider");
        assertThat(changes.get(changes.size() - 1).phase()).isEqualTo("error");
    }

    @Test
    void timeoutTurnsTheRowIntoTimeoutAndAbortIntoKilled() {
        runs.start(KEY).fail(ErrorKind.TIMEOUT, "LLM request timed out.");
        assertThat(store.get(KEY).orElseThrow().path("status").asString()).isEqualTo("timeout");
        assertThat(sink.agent.get(1).path("data").path("timeoutPhase").asString()).isEqualTo("provider");

        RunHandle aborted = runs.start(KEY);
        aborted.abort();
        JsonNode row = store.get(KEY).orElseThrow();
        assertThat(row.path("status").asString()).isEqualTo("killed");
        assertThat(row.path("abortedLastRun").asBoolean()).isTrue();
        assertThat(row.path("lastRunError").isNull()).isTrue();
        assertThat(sink.chat.get(sink.chat.size() - 1).path("state").asString()).isEqualTo("aborted");
        assertThat(sink.agent.get(sink.agent.size() - 1).path("data").path("aborted").asBoolean()).isTrue();
    }

    @Test
    void toolEventsGoToCapHoldersAsAgentAndToOthersAsSessionToolWithTheRow() {
        RunHandle run = runs.start(KEY);
        String callId = run.toolStart("read");
        run.toolEnd(callId, true);

        assertThat(sink.toolAgent).extracting(frame -> frame.path("data").path("phase").asString())
                .containsExactly("start", "result");
        assertThat(sink.toolAgent.get(1).path("data").path("isError").asBoolean()).isTrue();
        assertThat(sink.toolAgent.get(1).path("data").path("toolCallId").asString()).isEqualTo(callId);
        assertThat(sink.toolAgent).extracting(frame -> frame.path("seq").asLong()).containsExactly(2L, 3L);
        assertThat(sink.sessionTool).hasSize(2);
        assertThat(sink.sessionTool.get(0).path("session").path("key").asString()).isEqualTo(KEY);
        assertThat(sink.sessionTool.get(0).path("hasActiveRun").asBoolean()).isTrue();
        assertThatThrownBy(() -> run.toolEnd(callId, false)).hasMessageContaining("no open tool call");
    }

    @Test
    void endedRunRefusesFurtherSteps() {
        RunHandle run = runs.start(KEY);
        run.abort();

        assertThat(run.isOpen()).isFalse();
        assertThatThrownBy(() -> run.assistantText("late")).isInstanceOf(IllegalStateException.class);
        assertThat(runs.openRunIds()).isEmpty();
    }

    @Test
    void runOnAMissingSessionIsRefused() {
        assertThatThrownBy(() -> runs.start("agent:main:nope")).hasMessage("no session agent:main:nope");
    }

    @Test
    void cutOffSendsNothingAndLeavesTheRowWithoutActiveRun() {
        RunHandle run = runs.start(KEY);
        int agentEvents = sink.agent.size();
        int rowChanges = changes.size();

        runs.cutOffAll();

        assertThat(sink.agent).hasSize(agentEvents);
        assertThat(sink.chat).isEmpty();
        assertThat(changes).hasSize(rowChanges);
        JsonNode row = store.get(KEY).orElseThrow();
        assertThat(row.path("hasActiveRun").asBoolean()).isFalse();
        assertThat(row.path("activeRunIds").isEmpty()).isTrue();
        assertThat(row.path("status").asString()).isEqualTo("failed");
        assertThat(run.outcome().join()).isEqualTo(new RunOutcome.CutOff());
    }

    @Test
    void playedScriptSendsItsStepsInOrderAndCompletesWithItsOutcome() {
        RunScript script = RunScript.builder().think(Duration.ofMillis(20)).say("Working.")
                .tool("read", Duration.ofMillis(30)).failingTool("exec", Duration.ofMillis(10))
                .fail(ErrorKind.REFUSAL, "refused");

        RunOutcome outcome = runs.play(KEY, script).join();

        assertThat(outcome).isEqualTo(new RunOutcome.Failed(ErrorKind.REFUSAL, "refused"));
        assertThat(sink.all).containsExactly("agent:lifecycle:start", "agent:assistant", "chat:delta",
                "tool:start:read", "tool:result:read", "tool:start:exec", "tool:result:exec", "agent:lifecycle:error",
                "chat:error");
    }

    @Test
    void scriptCutOffByARestartNeverSendsItsRemainingSteps() {
        RunScript script = RunScript.builder().tool("exec", Duration.ofMillis(200)).finish(Usage.NONE);
        var outcome = runs.play(KEY, script);
        await().until(() -> sink.toolAgent.size() == 1);

        runs.cutOffAll();

        assertThat(outcome.join()).isEqualTo(new RunOutcome.CutOff());
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
                .until(() -> sink.toolAgent.size() == 1 && sink.chat.isEmpty());
    }

    /** Records what a run sends, parsed. */
    private static final class RecordingSink implements RunEventSink {

        final List<JsonNode> agent = new CopyOnWriteArrayList<>();
        final List<JsonNode> toolAgent = new CopyOnWriteArrayList<>();
        final List<JsonNode> sessionTool = new CopyOnWriteArrayList<>();
        final List<JsonNode> chat = new CopyOnWriteArrayList<>();
        final List<Boolean> droppable = new CopyOnWriteArrayList<>();
        final List<String> all = new CopyOnWriteArrayList<>();

        @Override
        public void agent(String sessionKey, String payloadJson) {
            JsonNode payload = Json.read(payloadJson);
            agent.add(payload);
            String phase = payload.path("data").path("phase").asString("");
            all.add("agent:" + payload.path("stream").asString() + (phase.isEmpty() ? "" : ":" + phase));
        }

        @Override
        public void toolAgent(String sessionKey, String payloadJson) {
            JsonNode payload = Json.read(payloadJson);
            toolAgent.add(payload);
            all.add("tool:" + payload.path("data").path("phase").asString() + ":"
                    + payload.path("data").path("name").asString());
        }

        @Override
        public void sessionTool(String sessionKey, String payloadJson) {
            sessionTool.add(Json.read(payloadJson));
        }

        @Override
        public void chat(String sessionKey, String payloadJson, boolean canDrop) {
            JsonNode payload = Json.read(payloadJson);
            chat.add(payload);
            droppable.add(canDrop);
            all.add("chat:" + payload.path("state").asString());
        }
    }
}
