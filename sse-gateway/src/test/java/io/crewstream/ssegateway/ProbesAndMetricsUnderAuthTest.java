package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.List;

import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.ssegateway.support.TestTokens;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With authentication on, what is public or global must not tell a caller about gateways outside its scope: the
 * public probes count paused gateways instead of naming them, and the actuator's figures (totals over every gateway)
 * need the {@code *} scope.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProbesAndMetricsUnderAuthTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final String SECRET_GATEWAY = "customer-b-prod";

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-probes-auth");
        // Restated every 200 ms, last heard now: overdue (paused) 3.4 s after the gateway starts.
        this.tables.restatedConnection(SECRET_GATEWAY, 200, System.currentTimeMillis());
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                TestTokens.hs256Properties());
    }

    @AfterAll
    void stop() {
        this.gateway.close();
        this.tables.close();
    }

    @Test
    void thePublicProbesCountPausedGatewaysWithoutNamingThemOrGivingTotals() {
        await().atMost(WAIT).until(() -> this.gateway.getJson("/actuator/health/readiness")
                .path("components").path("sessionTable").path("details").has("pausedGateways"));
        String readiness = this.gateway.get("/actuator/health/readiness").body();
        JsonNode details = this.gateway.getJson("/actuator/health/readiness").path("components").path("sessionTable")
                .path("details");
        assertThat(details.path("pausedGateways").asInt()).isEqualTo(1);
        assertThat(readiness).doesNotContain(SECRET_GATEWAY);
        assertThat(details.has("sessions")).as("a total over every gateway").isFalse();
        assertThat(details.has("position")).as("the offsets of every gateway's rows").isFalse();
        assertThat(details.has("lag")).isTrue();
    }

    @Test
    void theActuatorsFiguresNeedCredentialsThatSeeEveryGateway() {
        String oneGateway = TestTokens.hs256(TestTokens.claims("alice", List.of("customer-a"), Duration.ofHours(1)));
        String everyGateway = TestTokens.hs256(TestTokens.claims("ops", List.of("*"), Duration.ofHours(1)));
        for (String path : List.of("/actuator/metrics", "/actuator/prometheus")) {
            var refused = this.gateway.get(path, TestTokens.bearer(oneGateway));
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.body()).as(path).contains("\"reason\":\"" + AuthRefusal.OUT_OF_SCOPE.code() + "\"");
            assertThat(this.gateway.get(path, TestTokens.bearer(everyGateway)).statusCode()).as(path).isEqualTo(200);
            assertThat(this.gateway.get(path).statusCode()).as(path).isEqualTo(401);
        }
    }
}
