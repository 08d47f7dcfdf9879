package io.crewstream.sim.session;

import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.Json;

/**
 * One {@code sessions.changed} payload. Four shapes, as {@code openclaw@2026.9.6} sends them: a keyed change with the
 * full row (both under {@code session} and flattened), a keyed delete without row, the keyless "reload" event, and the
 * run-lifecycle variant {@code {sessionKey, agentId, phase, runId, ts, session, …row}} which has <em>no</em>
 * {@code reason} (see {@code finalizeLifecycleEvent} in {@code server-chat-*.mjs}).
 *
 * @param reason null for the run-lifecycle variant
 * @param phase  {@code start|end|error} for the run-lifecycle variant, else null
 * @param runId  the run of the run-lifecycle variant, else null
 */
public record SessionChange(String reason, String sessionKey, String agentId, String sessionId, ObjectNode row,
        long ts, String phase, String runId) {

    /** Lifecycle snapshots leave these out (the real gateway deletes them from lifecycle projections). */
    private static final java.util.List<String> NOT_IN_LIFECYCLE = java.util.List.of("modelProvider", "model",
            "activeModelProvider", "activeModel", "modelOverrideSource", "agentRuntime", "runtimeSelectionLocked");

    public SessionChange(String reason, String sessionKey, String agentId, String sessionId, ObjectNode row, long ts) {
        this(reason, sessionKey, agentId, sessionId, row, ts, null, null);
    }

    /** The run-lifecycle variant: a row following a run's {@code start}, {@code end} or {@code error}. */
    public static SessionChange lifecycle(ObjectNode row, String phase, String runId, long ts) {
        ObjectNode projected = row.deepCopy();
        NOT_IN_LIFECYCLE.forEach(projected::remove);
        return new SessionChange(null, row.get("key").stringValue(), row.path("agentId").asString(null),
                row.path("sessionId").asString(null), projected, ts, phase, runId);
    }

    public static final String CREATE = "create";
    public static final String PATCH = "patch";
    public static final String DELETE = "delete";

    public static SessionChange withRow(String reason, ObjectNode row, long ts) {
        return new SessionChange(reason, row.get("key").stringValue(), row.path("agentId").asString(null),
                row.path("sessionId").asString(null), row, ts);
    }

    public static SessionChange keyedDelete(ObjectNode removedRow, long ts) {
        return new SessionChange(DELETE, removedRow.get("key").stringValue(), removedRow.path("agentId").asString(null),
                removedRow.path("sessionId").asString(null), null, ts);
    }

    public static SessionChange keyless(String reason, long ts) {
        return new SessionChange(reason, null, null, null, null, ts);
    }

    public ObjectNode toPayload() {
        ObjectNode payload = Json.object();
        if (sessionKey == null) {
            return payload.put("reason", reason).put("ts", ts);
        }
        payload.put("sessionKey", sessionKey);
        if (row == null) {
            // Keyed delete: {sessionKey, sessionId, agentId, reason, ts}.
            return payload.put("sessionId", sessionId).put("agentId", agentId).put("reason", reason).put("ts", ts);
        }
        if (phase != null) {
            payload.put("agentId", agentId).put("phase", phase).put("runId", runId).put("ts", ts);
        } else {
            payload.put("agentId", agentId).put("reason", reason).put("ts", ts);
        }
        return SessionRows.withSnapshot(payload, row);
    }
}
