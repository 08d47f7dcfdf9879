package io.crewstream.sim.run;

import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.Json;

/**
 * The payloads of a run's {@code agent} and {@code chat} events, shaped as {@code openclaw@2026.9.6} builds them
 * ({@code enrichAgentEvent} in {@code agent-events-*.mjs}, {@code broadcastChatDelta} / {@code emitChatTerminal} in
 * {@code server-chat-*.mjs}, the embedded runner in {@code builtin-openclaw-*.mjs}). Pure functions.
 */
final class RunFrames {

    static final String LIFECYCLE = "lifecycle";
    static final String ASSISTANT = "assistant";
    static final String TOOL = "tool";
    static final String USAGE = "usage";

    private RunFrames() {
    }

    /** {@code {runId, stream, data, sessionKey, sessionId? (lifecycle only), agentId, seq, ts, isHeartbeat}}. */
    static ObjectNode agent(RunIdentity run, String stream, ObjectNode data, long seq, long ts) {
        ObjectNode payload = Json.object().put("runId", run.runId()).put("stream", stream);
        payload.set("data", data);
        payload.put("sessionKey", run.sessionKey());
        if (LIFECYCLE.equals(stream) && run.sessionId() != null) {
            payload.put("sessionId", run.sessionId());
        }
        // isHeartbeat:false is on every agent event of an operator-started run (observed).
        return payload.put("agentId", run.agentId()).put("seq", seq).put("ts", ts).put("isHeartbeat", false);
    }

    static ObjectNode lifecycleStart(long startedAt) {
        return Json.object().put("phase", "start").put("startedAt", startedAt);
    }

    static ObjectNode lifecycleEnd(long startedAt, long endedAt) {
        return Json.object().put("phase", "end").put("stopReason", "stop").put("startedAt", startedAt)
                .put("endedAt", endedAt);
    }

    /** A timeout carries {@code timeoutPhase} (that is what makes the real gateway classify it as a timeout). */
    static ObjectNode lifecycleError(ErrorKind kind, String message, long startedAt, long endedAt) {
        ObjectNode data = Json.object().put("phase", "error").put("error", message);
        if (kind == ErrorKind.TIMEOUT) {
            data.put("timeoutPhase", "provider");
        } else {
            data.put("errorKind", kind.wire());
        }
        return data.put("startedAt", startedAt).put("endedAt", endedAt);
    }

    static ObjectNode lifecycleAborted(long startedAt, long endedAt) {
        return Json.object().put("phase", "end").put("stopReason", "aborted").put("aborted", true)
                .put("startedAt", startedAt).put("endedAt", endedAt);
    }

    /** {@code text} is the whole text so far, {@code delta} the new part (the real runner sends both). */
    static ObjectNode assistant(String runId, String text, String delta) {
        return Json.object().put("text", text).put("delta", delta).put("itemId", runId + ":0");
    }

    static ObjectNode toolStart(String name, String toolCallId, ObjectNode args) {
        ObjectNode data = Json.object().put("phase", "start").put("name", name).put("toolCallId", toolCallId);
        data.set("args", args);
        return data;
    }

    static ObjectNode toolResult(String name, String toolCallId, boolean isError, String resultText) {
        ObjectNode data = Json.object().put("phase", "result").put("name", name).put("toolCallId", toolCallId)
                .put("meta", name).put("isError", isError);
        data.putObject("result").putArray("content").addObject().put("type", "text").put("text", resultText);
        return data;
    }

    /** The real gateway's usage stream: cumulative output tokens of the run. */
    static ObjectNode usage(long outputTokens) {
        return Json.object().put("outputTokens", outputTokens);
    }

    /** {@code {runId, sessionKey, agentId, seq, state:"delta", deltaText, message}}. */
    static ObjectNode chatDelta(RunIdentity run, long seq, String text, String delta, long ts) {
        ObjectNode payload = chat(run, seq, "delta").put("deltaText", delta);
        payload.set("message", assistantMessage(text, ts));
        return payload;
    }

    /** {@code message} only when the run said something, as in {@code emitChatTerminal}. */
    static ObjectNode chatFinal(RunIdentity run, long seq, String text, long ts) {
        ObjectNode payload = chat(run, seq, "final").put("stopReason", "stop");
        if (!text.isEmpty()) {
            payload.set("message", assistantMessage(text, ts));
        }
        return payload;
    }

    static ObjectNode chatAborted(RunIdentity run, long seq, String text, long ts) {
        ObjectNode payload = chat(run, seq, "aborted").put("stopReason", "aborted");
        if (!text.isEmpty()) {
            payload.set("message", assistantMessage(text, ts));
        }
        return payload;
    }

    static ObjectNode chatError(RunIdentity run, long seq, ErrorKind kind, String message) {
        return chat(run, seq, "error").put("errorMessage", message).put("errorKind", kind.wire());
    }

    private static ObjectNode chat(RunIdentity run, long seq, String state) {
        return Json.object().put("runId", run.runId()).put("sessionKey", run.sessionKey())
                .put("agentId", run.agentId()).put("seq", seq).put("state", state);
    }

    private static ObjectNode assistantMessage(String text, long ts) {
        ObjectNode message = Json.object().put("role", "assistant");
        message.putArray("content").addObject().put("type", "text").put("text", text);
        return message.put("timestamp", ts);
    }

    /** Who a run is: its id and the session it runs on. */
    record RunIdentity(String runId, String sessionKey, String agentId, String sessionId) {
    }
}
