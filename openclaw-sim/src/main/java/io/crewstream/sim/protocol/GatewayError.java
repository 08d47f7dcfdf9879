package io.crewstream.sim.protocol;

import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code error} object of a failed response, with the codes and messages the real gateway uses.
 *
 * @param details nullable; {@code details.code} carries the precise reason for connect failures
 * @param retryAfterMs nullable
 */
public record GatewayError(String code, String message, ObjectNode details, boolean retryable, Long retryAfterMs) {

    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    public static final String FORBIDDEN = "FORBIDDEN";
    public static final String UNAVAILABLE = "UNAVAILABLE";
    public static final String NOT_PAIRED = "NOT_PAIRED";

    public static GatewayError invalidRequest(String message) {
        return new GatewayError(INVALID_REQUEST, message, null, false, null);
    }

    public static GatewayError invalidParams(String method, String violation) {
        return invalidRequest("invalid " + method + " params: " + violation);
    }

    public static GatewayError sessionChanged(String key) {
        return new GatewayError(INVALID_REQUEST, "Session " + key + " changed before patch. Retry.",
                Json.object().put("reason", "session-changed"), false, null);
    }

    public static GatewayError missingScope(String scope) {
        ObjectNode details = Json.object().put("code", "MISSING_SCOPE").put("missingScope", scope);
        details.putArray("requiredScopes").add(scope);
        return new GatewayError(FORBIDDEN, "missing scope: " + scope, details, false, null);
    }

    public static GatewayError tokenMismatch() {
        ObjectNode details = Json.object()
                .put("code", "AUTH_TOKEN_MISMATCH")
                .put("authReason", "token_mismatch")
                .put("canRetryWithDeviceToken", false)
                .put("recommendedNextStep", "update_auth_credentials");
        return new GatewayError(INVALID_REQUEST, "unauthorized: gateway token mismatch (provide gateway auth token)",
                details, false, null);
    }

    public static GatewayError deviceIdentityRequired() {
        return new GatewayError(NOT_PAIRED, "device identity required",
                Json.object().put("code", "DEVICE_IDENTITY_REQUIRED"), false, null);
    }

    public static GatewayError protocolMismatch(long clientMin, long clientMax) {
        ObjectNode details = Json.object()
                .put("code", "PROTOCOL_MISMATCH")
                .put("clientMinProtocol", clientMin)
                .put("clientMaxProtocol", clientMax)
                .put("expectedProtocol", GatewayProtocol.VERSION)
                .put("minimumProbeProtocol", 3);
        return new GatewayError(INVALID_REQUEST, "protocol mismatch", details, false, null);
    }

    public static GatewayError starting(long retryAfterMs) {
        return new GatewayError(UNAVAILABLE, "gateway starting",
                Json.object().put("reason", "startup-sidecars"), true, retryAfterMs);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object().put("code", code).put("message", message);
        if (details != null) {
            node.set("details", details.deepCopy());
        }
        if (retryable) {
            node.put("retryable", true);
        }
        if (retryAfterMs != null) {
            node.put("retryAfterMs", retryAfterMs);
        }
        return node;
    }
}
