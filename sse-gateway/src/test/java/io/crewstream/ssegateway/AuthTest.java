package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.Map;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With tokens configured, the API needs one; browsers can pass it where EventSource lets them. */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String TOKEN = "s3cret-token";

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-auth");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.auth.tokens=other-token," + TOKEN,
                "crewstream.sse.cors.allowed-origins=http://localhost:5181");
        await().atMost(WAIT).until(() -> this.gateway.get("/actuator/health/readiness").statusCode() == 200);
    }

    @AfterAll
    void stop() {
        this.gateway.close();
        this.tables.close();
    }

    @Test
    void requestWithoutTokenIsUnauthorized() {
        assertThat(this.gateway.get("/api/sessions").statusCode()).isEqualTo(401);
        assertThat(this.gateway.get("/api/events").statusCode()).isEqualTo(401);
        assertThat(this.gateway.get("/api/gateways").headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(this.gateway.get("/api/agents").statusCode()).as("the agents are session data too").isEqualTo(401);
    }

    @Test
    void wrongTokenIsUnauthorizedWithItsReasonAndNotEchoed() {
        var response = this.gateway.get("/api/sessions", Map.of("Authorization", "Bearer wrong"));
        assertThat(response.statusCode()).as("RFC 6750: an invalid token is a 401, not a 403").isEqualTo(401);
        assertThat(response.body()).contains("\"reason\":\"token_invalid\"").doesNotContain(TOKEN)
                .doesNotContain("wrong");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
        assertThat(this.gateway.get("/api/sessions?access_token=wrong").statusCode()).isEqualTo(401);
        assertThat(this.gateway.get("/api/agents?token=wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void tokenInHeaderOrCookieIsAccepted() {
        assertThat(this.gateway.get("/api/sessions", Map.of("Authorization", "Bearer " + TOKEN)).statusCode())
                .isEqualTo(200);
        assertThat(this.gateway.get("/api/gateways", Map.of("Cookie", "crewstream_token=" + TOKEN)).statusCode())
                .isEqualTo(200);
        assertThat(this.gateway.get("/api/agents", Map.of("Authorization", "Bearer " + TOKEN)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void tokenInQueryParameterOpensTheEventStreamAsEventSourceWould() {
        try (SseTestClient client = this.gateway.events("?access_token=" + TOKEN, Map.of())) {
            assertThat(client.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
            assertThat(client.events().get(0).name()).isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
        }
        assertThat(this.gateway.get("/api/sessions?token=" + TOKEN).statusCode()).as("CrewHub's parameter")
                .isEqualTo(200);
    }

    @Test
    void healthStaysOpenForProbes() {
        assertThat(this.gateway.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    @Test
    void allowedOriginPassesCorsPreflightWithoutTokenAndOtherOriginsAreRejected() {
        var preflight = this.gateway.send("OPTIONS", "/api/events", Map.of("Origin", "http://localhost:5181",
                "Access-Control-Request-Method", "GET"));
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:5181");

        var allowed = this.gateway.get("/api/sessions", Map.of("Origin", "http://localhost:5181",
                "Authorization", "Bearer " + TOKEN));
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:5181");
        var foreign = this.gateway.get("/api/sessions", Map.of("Origin", "http://evil.example",
                "Authorization", "Bearer " + TOKEN));
        assertThat(foreign.statusCode()).isEqualTo(403);
    }
}
