package io.crewstream.sim.server;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.ClosedSchema;
import io.crewstream.sim.protocol.Frames;
import io.crewstream.sim.protocol.GatewayError;
import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.protocol.ParamSchemas;
import io.crewstream.sim.protocol.Scopes;
import io.crewstream.sim.session.Agent;
import io.crewstream.sim.session.SessionChangedException;
import io.crewstream.sim.session.SessionKeys;
import io.crewstream.sim.session.SessionPage;
import io.crewstream.sim.session.SessionQuery;
import io.crewstream.sim.session.SessionStore;
import io.crewstream.sim.session.UnknownAgentException;

/**
 * The RPC methods of an authenticated socket. Checks, in order: known method, scope, params schema. A mutating RPC's
 * response is queued before the {@code sessions.changed} events it causes, as the real gateway sends them.
 *
 * <p>Threading: stateless apart from the thread-safe {@link SessionStore}; called concurrently for different sockets.
 */
final class GatewayMethods {

    static final List<String> NAMES = List.of("health", "agents.list", "sessions.list", "sessions.subscribe",
            "sessions.create", "sessions.patch", "sessions.delete", "sessions.messages.subscribe");

    /** Informational in the real gateway (its SQLite file); "(multiple)" is what it reports across agents. */
    static final String STORE_PATH = "(multiple)";
    private static final String WORKSPACE_ROOT = "/openclaw-sim/workspace";

    private record Method(String scope, ClosedSchema schema, Handler handler) {
    }

    @FunctionalInterface
    private interface Handler {
        void handle(GatewayConnection connection, String id, JsonNode params);
    }

    private final SessionStore store;
    private final Clock clock;
    private final Map<String, Method> methods;

    GatewayMethods(SessionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        // health needs no scope: a client granted scopes [] can still call it (observed on 2026.9.6).
        this.methods = Map.of(
                "health", new Method(null, ParamSchemas.EMPTY, (c, id, p) -> reply(c, id, health())),
                "agents.list", new Method(Scopes.READ, ParamSchemas.EMPTY,
                        (c, id, p) -> reply(c, id, store.agents().agentsListPayload(WORKSPACE_ROOT))),
                "sessions.list", new Method(Scopes.READ, ParamSchemas.SESSIONS_LIST, this::list),
                "sessions.subscribe", new Method(Scopes.READ, ParamSchemas.SESSIONS_LIST, this::subscribe),
                "sessions.create", new Method(Scopes.WRITE, ParamSchemas.SESSIONS_CREATE, this::create),
                "sessions.patch", new Method(Scopes.WRITE, ParamSchemas.SESSIONS_PATCH, this::patch),
                "sessions.delete", new Method(Scopes.ADMIN, ParamSchemas.SESSIONS_DELETE, this::delete),
                "sessions.messages.subscribe", new Method(Scopes.READ, ParamSchemas.SESSIONS_MESSAGES_SUBSCRIBE,
                        this::subscribeMessages));
    }

    void invoke(GatewayConnection connection, String id, String name, JsonNode params) {
        Method method = methods.get(name);
        if (method == null) {
            fail(connection, id, GatewayError.invalidRequest("unknown method: " + name));
            return;
        }
        if (method.scope() != null && !Scopes.grants(connection.scopes(), method.scope())) {
            fail(connection, id, GatewayError.missingScope(method.scope()));
            return;
        }
        JsonNode effective = params == null || params.isNull() || params.isMissingNode() ? Json.object() : params;
        Optional<String> violation = method.schema().violation(effective);
        if (violation.isPresent()) {
            fail(connection, id, GatewayError.invalidParams(name, violation.get()));
            return;
        }
        try {
            method.handler().handle(connection, id, effective);
        } catch (UnknownAgentException ex) {
            fail(connection, id, GatewayError.invalidRequest(ex.getMessage()));
        } catch (SessionChangedException ex) {
            fail(connection, id, GatewayError.sessionChanged(ex.key()));
        }
    }

    ObjectNode health() {
        long now = clock.millis();
        ObjectNode health = Json.object().put("ok", true).put("ts", now).put("durationMs", 0);
        Agent defaultAgent = store.agents().defaultAgent();
        health.put("defaultAgentId", defaultAgent.id());
        ArrayNode agents = health.putArray("agents");
        SessionPage recent = store.list(SessionQuery.firstPage(5));
        Map<String, Integer> counts = store.countByAgent();
        for (Agent agent : store.agents().agents()) {
            ObjectNode node = agents.addObject().put("agentId", agent.id()).put("name", agent.name())
                    .put("isDefault", agent.equals(defaultAgent));
            node.putObject("heartbeat").put("enabled", false);
            node.putObject("sessions").put("path", STORE_PATH)
                    .put("count", counts.getOrDefault(agent.id(), 0))
                    .putArray("recent");
        }
        ObjectNode sessions = health.putObject("sessions").put("path", STORE_PATH).put("count", store.size());
        ArrayNode recentRows = sessions.putArray("recent");
        for (ObjectNode row : recent.rows()) {
            long updatedAt = row.path("updatedAt").asLong(now);
            recentRows.addObject().put("key", row.get("key").stringValue()).put("updatedAt", updatedAt)
                    .put("age", now - updatedAt);
        }
        return health;
    }

    private void list(GatewayConnection connection, String id, JsonNode params) {
        reply(connection, id, store.list(SessionQuery.from(params)).toJson(STORE_PATH, defaults()));
    }

    /** {@code {}} subscribes; any list param also lists, atomically with the subscription (observed). */
    private void subscribe(GatewayConnection connection, String id, JsonNode params) {
        if (params.isEmpty()) {
            connection.subscribe();
            reply(connection, id, Json.object().put("subscribed", true));
            return;
        }
        store.withPage(SessionQuery.from(params), page -> {
            connection.subscribe();
            ObjectNode result = Json.object().put("subscribed", true);
            result.set("list", page.toJson(STORE_PATH, defaults()));
            reply(connection, id, result);
        });
    }

    /**
     * Only changes what a {@code session-scoped-events} socket receives; transcripts ({@code session.message}) are not
     * simulated. The real gateway answers {@code {subscribed:true, key}}.
     */
    private void subscribeMessages(GatewayConnection connection, String id, JsonNode params) {
        String key = params.get("key").stringValue();
        connection.subscribeMessages(key);
        reply(connection, id, Json.object().put("subscribed", true).put("key", key));
    }

    private void create(GatewayConnection connection, String id, JsonNode params) {
        String agentId = params.path("agentId").isString() ? params.get("agentId").stringValue()
                : store.agents().defaultAgent().id();
        // Without a key the real gateway makes a dashboard session (observed).
        String key = params.path("key").isString() ? params.get("key").stringValue()
                : SessionKeys.of(agentId, "dashboard:" + UUID.randomUUID());
        ObjectNode fields = ((ObjectNode) params).deepCopy();
        fields.remove(List.of("key", "message", "idempotencyKey", "parentSessionKey"));
        store.applyThen(() -> store.create(key, fields), row -> {
            ObjectNode result = Json.object().put("ok", true).put("key", key)
                    .put("sessionId", row.get("sessionId").stringValue());
            result.set("entry", entry(row));
            result.put("runStarted", false);
            result.set("resolved", resolved(row));
            reply(connection, id, result);
        });
    }

    /** Patching a key that does not exist creates it; archiving needs the {@code expectedSessionId} guard (observed). */
    private void patch(GatewayConnection connection, String id, JsonNode params) {
        String key = params.get("key").stringValue();
        String expectedSessionId = params.path("expectedSessionId").asString(null);
        if (params.has("archived") && expectedSessionId == null) {
            fail(connection, id, GatewayError.invalidRequest(
                    "expectedSessionId required for session lifecycle patch: " + key));
            return;
        }
        ObjectNode fields = ((ObjectNode) params).deepCopy();
        fields.remove(List.of("key", "expectedSessionId"));
        store.applyThen(() -> store.patch(key, fields, expectedSessionId), row -> {
            ObjectNode result = Json.object().put("ok", true).put("path", STORE_PATH).put("key", key);
            result.set("entry", entry(row));
            result.set("resolved", resolved(row));
            reply(connection, id, result);
        });
    }

    /** Deleting a missing key is not an error: {@code deleted:false} (observed). */
    private void delete(GatewayConnection connection, String id, JsonNode params) {
        String key = params.get("key").stringValue();
        store.applyThen(() -> store.delete(key), removed -> {
            ObjectNode result = Json.object().put("ok", true).put("key", key).put("deleted", removed.isPresent());
            ArrayNode archived = result.putArray("archived");
            removed.ifPresent(row -> archived.add(WORKSPACE_ROOT + "/sessions/" + row.path("sessionId").asString("")
                    + ".jsonl.deleted"));
            reply(connection, id, result);
        });
    }

    private ObjectNode defaults() {
        Agent agent = store.agents().defaultAgent();
        return Json.object().put("modelProvider", agent.modelProvider()).put("model", agent.model())
                .put("contextTokens", 200_000);
    }

    private static ObjectNode entry(ObjectNode row) {
        ObjectNode entry = Json.object();
        for (String field : List.of("sessionId", "updatedAt", "label", "createdVia", "createdAt", "spawnDepth",
                "parentSessionKey")) {
            if (row.has(field)) {
                entry.set(field, row.get(field));
            }
        }
        return entry.put("modelOverrideSource", "default");
    }

    private static ObjectNode resolved(ObjectNode row) {
        return Json.object().put("modelProvider", row.path("modelProvider").asString(null))
                .put("model", row.path("model").asString(null));
    }

    private static void reply(GatewayConnection connection, String id, JsonNode payload) {
        connection.sendUnsequenced(Frames.response(id, payload));
    }

    private static void fail(GatewayConnection connection, String id, GatewayError error) {
        connection.sendUnsequenced(Frames.error(id, error));
    }
}
