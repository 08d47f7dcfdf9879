package io.crewstream.sim.session;

import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.Json;

/** Builds session rows shaped like those of {@code openclaw@2026.9.6} for a session created by an operator. */
public final class SessionRows {

    private SessionRows() {
    }

    public static ObjectNode newRow(String key, Agent agent, String label, long now) {
        String title = label == null ? key.substring(key.lastIndexOf(':') + 1) : label;
        ObjectNode row = Json.object()
                .put("key", key)
                .put("visibility", "shared")
                .put("permissionModePending", false)
                .put("spawnDepth", 0)
                .put("createdVia", "operator")
                .put("createdAt", now)
                .put("kind", "direct")
                .put("label", title)
                .put("classification", "custom")
                .put("agentId", agent.id())
                .put("isMain", key.equals(SessionKeys.of(agent.id(), AgentCatalog.MAIN_KEY)))
                .put("isBackground", false)
                .put("displayName", title)
                .put("updatedAt", now)
                .put("archived", false)
                .put("pinned", false)
                .put("unread", false)
                .put("sessionId", UUID.randomUUID().toString())
                .put("totalTokensFresh", false)
                .put("parentSessionKey", SessionKeys.of(agent.id(), AgentCatalog.MAIN_KEY))
                .put("modelProvider", agent.modelProvider())
                .put("model", agent.model())
                .putNull("modelOverrideSource")
                .put("hasActiveRun", false)
                .put("sharingRole", "admin");
        row.putArray("activeRunIds");
        return row;
    }

    /**
     * Adds {@code row} to an event payload the way the real gateway attaches a session snapshot: the whole row under
     * {@code session} and its fields flattened next to the payload's own (which win).
     */
    public static ObjectNode withSnapshot(ObjectNode payload, ObjectNode row) {
        payload.set("session", row.deepCopy());
        for (Map.Entry<String, JsonNode> field : row.properties()) {
            if (!field.getKey().equals("key") && !payload.has(field.getKey())) {
                payload.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return payload;
    }
}
