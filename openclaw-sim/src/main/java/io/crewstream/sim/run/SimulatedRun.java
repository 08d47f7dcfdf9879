package io.crewstream.sim.run;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.run.RunFrames.RunIdentity;
import io.crewstream.sim.session.SessionRows;
import io.crewstream.sim.session.SessionStore;

/**
 * One run's state machine (open → ended) and the frames each step sends. The run's own {@code seq} counts its
 * {@code agent} events from 1; a {@code chat} event carries the {@code seq} of the agent event that caused it, as on
 * the real gateway.
 *
 * <p>Threading: every method runs under the lock shared by all runs of one {@link Runs} (passed in), so the frames of
 * one run leave in {@code seq} order and a row update and its {@code sessions.changed} are never interleaved with
 * another run's.
 */
final class SimulatedRun implements RunHandle {

    private final Object lock;
    private final RunIdentity identity;
    private final SessionStore store;
    private final RunEventSink sink;
    private final Clock clock;
    private final Runnable onEnded;
    private final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
    private final Map<String, String> openTools = new LinkedHashMap<>(); // toolCallId -> name; guarded by lock
    private final StringBuilder text = new StringBuilder(); // guarded by lock
    private long seq; // guarded by lock
    private long startedAt; // guarded by lock
    private int toolCalls; // guarded by lock

    SimulatedRun(Object lock, RunIdentity identity, SessionStore store, RunEventSink sink, Clock clock,
            Runnable onEnded) {
        this.lock = lock;
        this.identity = identity;
        this.store = store;
        this.sink = sink;
        this.clock = clock;
        this.onEnded = onEnded;
    }

    /** Sends {@code lifecycle start} and marks the row running; called once by {@link Runs}. */
    void begin() {
        synchronized (lock) {
            startedAt = clock.millis();
            // The real gateway broadcasts the agent event first and the row after persisting it.
            emitAgent(RunFrames.LIFECYCLE, RunFrames.lifecycleStart(startedAt));
            store.applyRun(identity.sessionKey(), "start", identity.runId(), row -> {
                ObjectNode fields = Json.object().put("status", "running").put("hasActiveRun", true)
                        .put("startedAt", startedAt).putNull("endedAt").putNull("runtimeMs").putNull("lastRunError")
                        .putNull("lastRunId").put("abortedLastRun", false);
                var ids = fields.putArray("activeRunIds");
                row.path("activeRunIds").forEach(id -> ids.add(id.asString()));
                ids.add(identity.runId());
                return fields;
            });
        }
    }

    @Override
    public String runId() {
        return identity.runId();
    }

    @Override
    public String sessionKey() {
        return identity.sessionKey();
    }

    @Override
    public String toolStart(String name, ObjectNode args) {
        synchronized (lock) {
            requireOpen();
            String toolCallId = "call_" + identity.runId().substring(0, 8) + "_" + (++toolCalls);
            openTools.put(toolCallId, name);
            emitAgentTool(RunFrames.toolStart(name, toolCallId, args.deepCopy()));
            return toolCallId;
        }
    }

    @Override
    public String toolStart(String name) {
        return toolStart(name, Json.object().put("path", "src/main/java/Example.java"));
    }

    @Override
    public void toolEnd(String toolCallId, boolean isError) {
        synchronized (lock) {
            requireOpen();
            String name = openTools.remove(toolCallId);
            if (name == null) {
                throw new IllegalArgumentException("no open tool call " + toolCallId + " in run " + identity.runId());
            }
            emitAgentTool(RunFrames.toolResult(name, toolCallId, isError,
                    isError ? "error: exit code 1" : "ok: 42 lines"));
        }
    }

    @Override
    public void assistantText(String delta) {
        synchronized (lock) {
            requireOpen();
            text.append(delta);
            long ts = clock.millis();
            String all = text.toString();
            long evtSeq = emitAgent(RunFrames.ASSISTANT, RunFrames.assistant(identity.runId(), all, delta));
            sink.chat(identity.sessionKey(), Json.write(RunFrames.chatDelta(identity, evtSeq, all, delta, ts)), true);
        }
    }

    @Override
    public void finish(Usage usage) {
        synchronized (lock) {
            requireOpen();
            emitAgent(RunFrames.USAGE, RunFrames.usage(usage.outputTokens()));
            long endedAt = clock.millis();
            long evtSeq = emitAgent(RunFrames.LIFECYCLE, RunFrames.lifecycleEnd(startedAt, endedAt));
            sink.chat(identity.sessionKey(),
                    Json.write(RunFrames.chatFinal(identity, evtSeq, text.toString(), endedAt)), false);
            end(new RunOutcome.Finished(usage), "end", endedAt, usage, null);
        }
    }

    @Override
    public void fail(ErrorKind kind, String message) {
        synchronized (lock) {
            requireOpen();
            long endedAt = clock.millis();
            long evtSeq = emitAgent(RunFrames.LIFECYCLE, RunFrames.lifecycleError(kind, message, startedAt, endedAt));
            sink.chat(identity.sessionKey(), Json.write(RunFrames.chatError(identity, evtSeq, kind, message)), false);
            end(new RunOutcome.Failed(kind, message), "error", endedAt, Usage.NONE, message);
        }
    }

    @Override
    public void abort() {
        synchronized (lock) {
            requireOpen();
            long endedAt = clock.millis();
            long evtSeq = emitAgent(RunFrames.LIFECYCLE, RunFrames.lifecycleAborted(startedAt, endedAt));
            sink.chat(identity.sessionKey(),
                    Json.write(RunFrames.chatAborted(identity, evtSeq, text.toString(), endedAt)), false);
            end(new RunOutcome.Aborted(), "end", endedAt, Usage.NONE, null);
        }
    }

    /** The gateway went away: no event, the row silently shows no active run (what a restarted gateway shows). */
    void cutOff() {
        synchronized (lock) {
            if (!isOpen()) {
                return;
            }
            ObjectNode fields = Json.object().put("status", new RunOutcome.CutOff().sessionStatus())
                    .put("hasActiveRun", false).put("abortedLastRun", true).put("lastRunId", identity.runId());
            fields.putArray("activeRunIds");
            store.patchSilently(identity.sessionKey(), fields);
            outcome.complete(new RunOutcome.CutOff());
            onEnded.run();
        }
    }

    @Override
    public boolean isOpen() {
        return !outcome.isDone();
    }

    @Override
    public CompletableFuture<RunOutcome> outcome() {
        return outcome.copy(); // callers cannot complete the run's own future
    }

    private void end(RunOutcome result, String phase, long endedAt, Usage usage, String error) {
        store.applyRun(identity.sessionKey(), phase, identity.runId(), row -> {
            ObjectNode fields = Json.object().put("status", result.sessionStatus())
                    .put("lastRunId", identity.runId()).put("endedAt", endedAt)
                    .put("runtimeMs", Math.max(0, endedAt - startedAt))
                    .put("abortedLastRun", result instanceof RunOutcome.Aborted);
            if (error == null) {
                fields.putNull("lastRunError");
            } else {
                fields.put("lastRunError", error);
            }
            var ids = fields.putArray("activeRunIds");
            row.path("activeRunIds").forEach(id -> {
                if (!id.asString().equals(identity.runId())) {
                    ids.add(id.asString());
                }
            });
            fields.put("hasActiveRun", !ids.isEmpty());
            if (usage.total() > 0) {
                long input = row.path("inputTokens").asLong(0) + usage.inputTokens();
                long output = row.path("outputTokens").asLong(0) + usage.outputTokens();
                fields.put("inputTokens", input).put("outputTokens", output).put("totalTokens", input + output)
                        .put("totalTokensFresh", true);
            }
            return fields;
        });
        outcome.complete(result);
        onEnded.run();
    }

    private long emitAgent(String stream, ObjectNode data) {
        long evtSeq = ++seq;
        sink.agent(identity.sessionKey(), Json.write(RunFrames.agent(identity, stream, data, evtSeq, clock.millis())));
        return evtSeq;
    }

    /** A tool event goes as {@code agent} to cap holders and as {@code session.tool} (with the row) to the others. */
    private void emitAgentTool(ObjectNode data) {
        ObjectNode payload = RunFrames.agent(identity, RunFrames.TOOL, data, ++seq, clock.millis());
        sink.toolAgent(identity.sessionKey(), Json.write(payload));
        store.get(identity.sessionKey()).ifPresent(row ->
                sink.sessionTool(identity.sessionKey(), Json.write(SessionRows.withSnapshot(payload.deepCopy(), row))));
    }

    private void requireOpen() {
        if (!isOpen()) {
            throw new IllegalStateException("run " + identity.runId() + " already ended: " + outcome.join());
        }
    }

    static String newRunId() {
        return UUID.randomUUID().toString();
    }
}
