package io.crewstream.ingestor.upstream;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * What the ingestor uses from the {@code hello-ok} payload.
 *
 * @param tickIntervalMs {@code policy.tickIntervalMs}; null when the gateway did not say
 * @param maxPayload {@code policy.maxPayload}; null when the gateway did not say
 */
record HelloOk(Integer protocol, List<String> scopes, Long tickIntervalMs, Long maxPayload, String serverVersion) {

    static HelloOk from(JsonNode payload) {
        List<String> scopes = new ArrayList<>();
        for (JsonNode scope : payload.path("auth").path("scopes")) {
            if (scope.isString()) {
                scopes.add(scope.asString());
            }
        }
        JsonNode protocol = payload.get("protocol");
        JsonNode policy = payload.path("policy");
        return new HelloOk(protocol != null && protocol.isIntegralNumber() ? protocol.asInt() : null,
                List.copyOf(scopes),
                positive(policy.get("tickIntervalMs")), positive(policy.get("maxPayload")),
                payload.path("server").path("version").asString(null));
    }

    private static Long positive(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.asLong() > 0 ? node.asLong() : null;
    }
}
