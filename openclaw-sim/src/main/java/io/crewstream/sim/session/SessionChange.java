package io.crewstream.sim.session;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.Json;

/**
 * One {@code sessions.changed} payload. Three shapes, as observed on {@code openclaw@2026.9.6}: a keyed change with the
 * full row (both under {@code session} and flattened), a keyed delete without row, and the keyless "reload" event.
 */
public record SessionChange(String reason, String sessionKey, String agentId, String sessionId, ObjectNode row,
        long ts) {

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
        payload.put("agentId", agentId).put("reason", reason).put("ts", ts);
        payload.set("session", row.deepCopy());
        for (Map.Entry<String, JsonNode> field : row.properties()) {
            if (!field.getKey().equals("key") && !payload.has(field.getKey())) {
                payload.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return payload;
    }
}
