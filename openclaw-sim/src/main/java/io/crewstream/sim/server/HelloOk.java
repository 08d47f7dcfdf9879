package io.crewstream.sim.server;

import java.util.List;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.Events;
import io.crewstream.sim.protocol.GatewayProtocol;
import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.session.AgentCatalog;

/** Builds the {@code hello-ok} payload (protocol §2.6) for an accepted connect. */
final class HelloOk {

    private HelloOk() {
    }

    static ObjectNode build(SimulatorConfig config, String bootId, String connId, String role, List<String> scopes,
            long uptimeMs, ObjectNode health) {
        ObjectNode hello = Json.object().put("type", "hello-ok").put("protocol", GatewayProtocol.VERSION);
        hello.putObject("server")
                .put("version", config.serverVersion())
                .put("bootId", bootId)
                .put("connId", connId);
        ObjectNode features = hello.putObject("features");
        GatewayMethods.NAMES.forEach(features.putArray("methods")::add);
        Events.ADVERTISED.forEach(features.putArray("events")::add);
        GatewayProtocol.CHALLENGE_CAPABILITIES.forEach(features.putArray("capabilities")::add);

        ObjectNode snapshot = hello.putObject("snapshot");
        snapshot.putArray("presence");
        snapshot.set("health", health);
        snapshot.putObject("stateVersion").put("presence", 1).put("health", 1);
        snapshot.put("uptimeMs", uptimeMs);
        String defaultAgent = config.agents().defaultAgent().id();
        snapshot.putObject("sessionDefaults")
                .put("defaultAgentId", defaultAgent)
                .put("mainKey", AgentCatalog.MAIN_KEY)
                .put("mainSessionKey", "agent:" + defaultAgent + ":" + AgentCatalog.MAIN_KEY)
                .put("scope", "per-sender");
        snapshot.put("authMode", "token");

        ObjectNode auth = hello.putObject("auth").put("method", "token").put("role", role);
        ArrayNode granted = auth.putArray("scopes");
        scopes.forEach(granted::add);

        ObjectNode policy = hello.putObject("policy")
                .put("maxPayload", config.maxPayload())
                .put("maxBufferedBytes", config.maxBufferedBytes())
                .put("tickIntervalMs", config.tickInterval().toMillis());
        policy.putObject("attachments").put("maxBytes", 19_464_192).put("maxImageBytes", 6_291_456);
        return hello;
    }
}
