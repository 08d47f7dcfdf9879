package io.crewstream.sim.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * Decides a {@code connect} request the way {@code openclaw@2026.9.6} does on a loopback socket: schema first, then
 * the protocol range, then the shared token, then scopes. Device identities are not verified by the simulator: a
 * {@code device} block is treated like its absence (scopes {@code []} unless the client is one of the two loopback
 * pairs). Immutable and thread-safe.
 */
public final class ConnectValidator {

    private final String token;

    /** @param token the shared gateway token; never logged */
    public ConnectValidator(String token) {
        this.token = token;
    }

    public ConnectDecision decide(JsonNode params, boolean loopbackPeer) {
        Optional<String> violation = ParamSchemas.CONNECT.violation(params);
        if (violation.isPresent()) {
            return new ConnectDecision.Rejected(GatewayError.invalidParams("connect", violation.get()),
                    CloseCodes.POLICY_VIOLATION);
        }
        long min = params.get("minProtocol").asLong();
        long max = params.get("maxProtocol").asLong();
        if (min > GatewayProtocol.VERSION || max < GatewayProtocol.VERSION) {
            return new ConnectDecision.Rejected(GatewayError.protocolMismatch(min, max), CloseCodes.PROTOCOL_MISMATCH);
        }
        JsonNode presented = params.path("auth").path("token");
        if (!presented.isString()) {
            return new ConnectDecision.Rejected(GatewayError.deviceIdentityRequired(), CloseCodes.POLICY_VIOLATION);
        }
        if (!MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                presented.stringValue().getBytes(StandardCharsets.UTF_8))) {
            return new ConnectDecision.Rejected(GatewayError.tokenMismatch(), CloseCodes.POLICY_VIOLATION);
        }
        String role = params.path("role").isString() ? params.get("role").stringValue() : "operator";
        return new ConnectDecision.Accepted(role, grantedScopes(params, loopbackPeer));
    }

    /** Only the loopback {@code gateway-client/backend} and {@code cli/cli} pairs keep their scopes without a device. */
    private static List<String> grantedScopes(JsonNode params, boolean loopbackPeer) {
        String clientId = params.get("client").get("id").stringValue();
        String mode = params.get("client").get("mode").stringValue();
        boolean trustedPair = ("gateway-client".equals(clientId) && "backend".equals(mode))
                || ("cli".equals(clientId) && "cli".equals(mode));
        List<String> scopes = new ArrayList<>();
        if (trustedPair && loopbackPeer) {
            params.path("scopes").forEach(scope -> scopes.add(scope.stringValue()));
        }
        return scopes;
    }
}
