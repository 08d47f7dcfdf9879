package io.crewstream.sim.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.node.ObjectNode;

class ConnectValidatorTest {

    private final ConnectValidator validator = new ConnectValidator("secret");

    @Test
    void loopbackBackendClientKeepsItsScopes() {
        ConnectDecision decision = validator.decide(params("gateway-client", "backend", "secret"), true);

        assertThat(decision).isEqualTo(new ConnectDecision.Accepted("operator",
                java.util.List.of(Scopes.READ, Scopes.WRITE)));
    }

    @Test
    void backendClientFromANonLoopbackPeerGetsNoScopes() {
        ConnectDecision decision = validator.decide(params("gateway-client", "backend", "secret"), false);

        assertThat(((ConnectDecision.Accepted) decision).scopes()).isEmpty();
    }

    @Test
    void mixedPairsDoNotCountAsTrusted() {
        ConnectDecision decision = validator.decide(params("gateway-client", "cli", "secret"), true);

        assertThat(((ConnectDecision.Accepted) decision).scopes()).isEmpty();
    }

    @Test
    void schemaIsCheckedBeforeTheToken() {
        ObjectNode params = params("gateway-client", "backend", "wrong");
        params.put("x", true);

        ConnectDecision.Rejected rejected = (ConnectDecision.Rejected) validator.decide(params, true);

        assertThat(rejected.error().message()).isEqualTo("invalid connect params: at root: unexpected property 'x'");
        assertThat(rejected.closeCode()).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    @Test
    void rangeThatContainsFourIsAccepted() {
        ObjectNode params = params("cli", "cli", "secret").put("minProtocol", 3).put("maxProtocol", 5);

        assertThat(validator.decide(params, true)).isInstanceOf(ConnectDecision.Accepted.class);
    }

    @Test
    void nestedSchemaViolationsNameTheirPath() {
        ObjectNode params = params("gateway-client", "backend", "secret");
        ((ObjectNode) params.get("client")).remove("version");

        ConnectDecision.Rejected rejected = (ConnectDecision.Rejected) validator.decide(params, true);

        assertThat(rejected.error().message())
                .isEqualTo("invalid connect params: at /client: must have required property 'version'");
    }

    private static ObjectNode params(String clientId, String mode, String token) {
        ObjectNode params = Json.object().put("minProtocol", 4).put("maxProtocol", 4);
        params.putObject("client").put("id", clientId).put("version", "1").put("platform", "linux").put("mode", mode);
        params.putArray("scopes").add(Scopes.READ).add(Scopes.WRITE);
        params.putObject("auth").put("token", token);
        return params;
    }
}
