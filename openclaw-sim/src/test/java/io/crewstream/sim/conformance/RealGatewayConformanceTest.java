package io.crewstream.sim.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import tools.jackson.databind.JsonNode;

import io.crewstream.sim.client.GatewayTestClient;

/**
 * The conformance suite against a real {@code openclaw@2026.9.6} gateway, when {@code OPENCLAW_CONFORMANCE_URL} and
 * {@code OPENCLAW_CONFORMANCE_TOKEN} name one ({@code scripts/real-gateway.sh install && scripts/real-gateway.sh start}
 * and {@code .ci/run} set them up). Without them every test is skipped, and says so on stdout and in the report.
 */
class RealGatewayConformanceTest extends GatewayConformanceSuite {

    static final String URL_VARIABLE = "OPENCLAW_CONFORMANCE_URL";
    static final String TOKEN_VARIABLE = "OPENCLAW_CONFORMANCE_TOKEN";

    @BeforeAll
    static void sayLoudlyWhenSkipped() {
        unavailableReason().ifPresent(System.out::println);
    }

    /** Per test, not per class, so that the report counts every conformance test as skipped, with the reason. */
    @Override
    protected void assumeGatewayAvailable() {
        unavailableReason().ifPresent(Assumptions::abort);
    }

    private static Optional<String> unavailableReason() {
        if (isBlank(System.getenv(URL_VARIABLE)) || isBlank(System.getenv(TOKEN_VARIABLE))) {
            return Optional.of("SKIPPED: real OpenClaw gateway unavailable: " + URL_VARIABLE + " and/or "
                    + TOKEN_VARIABLE + " not set (start one with scripts/real-gateway.sh install &&"
                    + " scripts/real-gateway.sh start --token <t>, as .ci/run does)");
        }
        return Optional.empty();
    }

    /** Without a configured model provider the run fails right after it started (observed on 2026.9.6). */
    @Override
    protected void runThatFails(GatewayTestClient writer, String key) {
        writer.call("chat.send", GatewayTestClient.object().put("sessionKey", key).put("message", "hello")
                .put("idempotencyKey", "conformance-" + UUID.randomUUID()));
    }

    @Override
    protected String addAgent(GatewayTestClient admin, String name) {
        return admin.call("agents.create", GatewayTestClient.object().put("name", name)).path("agentId").asString();
    }

    /**
     * On a loaded machine the real {@code agents.delete} can fail with {@code UNAVAILABLE} (its state lease did not
     * start within 5 s, observed); it is tried again until it succeeds, and the last error is the failure message.
     */
    @Override
    protected void removeAgent(GatewayTestClient admin, String agentId) {
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            JsonNode response = admin.request("agents.delete", GatewayTestClient.object().put("agentId", agentId));
            assertThat(response.path("ok").asBoolean()).as("agents.delete: %s", response).isTrue();
        });
    }

    @Override
    protected URI gatewayUrl() {
        return URI.create(System.getenv(URL_VARIABLE));
    }

    @Override
    protected String gatewayToken() {
        return System.getenv(TOKEN_VARIABLE);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
