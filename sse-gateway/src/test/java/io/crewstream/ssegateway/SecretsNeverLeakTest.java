package io.crewstream.ssegateway;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.StreamTicket;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.RawHttp;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.ssegateway.support.TestTokens;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JWTs, stream tickets, static tokens, the HS256 secret and the ticket secret are secrets: they go into requests (or
 * the configuration) and nowhere else. A gateway with all of them configured, its own code logging at TRACE and
 * Spring Security at DEBUG, is driven through accepted and refused JWTs, tickets issued, redeemed, reused and
 * tampered with, credentials in URLs, unknown paths and methods; then every log line, every error body, the health,
 * metrics and Prometheus endpoints are searched for each of them (and for a JWT's signature alone).
 */
@ExtendWith({ KafkaBrokerExtension.class, OutputCaptureExtension.class })
class SecretsNeverLeakTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final String jwtSecret = "jwt-secret-" + UUID.randomUUID() + UUID.randomUUID();

    private final String ticketSecret = "ticket-secret-" + UUID.randomUUID() + UUID.randomUUID();

    private final String staticToken = "static-" + UUID.randomUUID();

    @Test
    void noCredentialOrSecretAppearsInLogsErrorBodiesHealthOrMetrics(KafkaBroker broker, CapturedOutput output) {
        List<String> secrets = new ArrayList<>(List.of(this.jwtSecret, this.ticketSecret, this.staticToken));
        List<String> bodies = new ArrayList<>();
        String health;
        String readiness;
        String metrics;
        String rejectedMetric;
        String prometheus;
        try (TableTopics tables = TableTopics.create(broker, "sse-secrets")) {
            tables.connection("gw-a", UpstreamState.CONNECTED);
            try (GatewayApp gateway = GatewayApp.start(broker.bootstrapServers(), tables.prefix(),
                    "crewstream.sse.auth.tokens=" + this.staticToken,
                    "crewstream.sse.auth.jwt.secret=" + this.jwtSecret,
                    "crewstream.sse.auth.jwt.issuer=" + TestTokens.ISSUER,
                    "crewstream.sse.auth.jwt.audience=" + TestTokens.AUDIENCE,
                    "crewstream.sse.auth.tickets.secret=" + this.ticketSecret,
                    "logging.level.io.crewstream=TRACE", "logging.level.org.springframework.security=DEBUG")) {
                await().atMost(WAIT).until(() -> gateway.get("/actuator/health/readiness").statusCode() == 200);
                String jwt = secret(secrets, TestTokens.hs256(TestTokens.claims("alice", List.of("gw-a"),
                        Duration.ofMinutes(5)), this.jwtSecret));
                String expired = secret(secrets, TestTokens.hs256(TestTokens.claims("alice", List.of("gw-a"),
                        Duration.ofMinutes(-5)), this.jwtSecret));
                String forged = secret(secrets, TestTokens.hs256(TestTokens.claims("mallory", List.of("*"),
                        Duration.ofMinutes(5)), "forged-secret-0123456789-0123456789-0123"));
                String unsigned = secret(secrets, TestTokens.unsigned(TestTokens.claims("mallory", List.of("*"),
                        Duration.ofMinutes(5))));

                assertThat(gateway.get("/api/sessions", TestTokens.bearer(jwt)).statusCode()).isEqualTo(200);
                assertThat(gateway.get("/api/gateways", Map.of("Cookie", "crewstream_token=" + jwt)).statusCode())
                        .isEqualTo(200);
                String ticket = secret(secrets, ticket(gateway, TestTokens.bearer(jwt)));
                try (SseTestClient stream = gateway.events("?ticket=" + ticket, Map.of())) {
                    assertThat(stream.status()).isEqualTo(200);
                    await().atMost(WAIT).until(() -> !stream.events(SseEventType.SESSIONS_REFRESH).isEmpty());
                }
                String staticTicket = secret(secrets, ticket(gateway, TestTokens.bearer(this.staticToken)));

                bodies.add(refused(gateway, "/api/events?ticket=" + ticket, Map.of(), AuthRefusal.TICKET_USED));
                bodies.add(refused(gateway, "/api/events?ticket=" + staticTicket + "x", Map.of(),
                        AuthRefusal.TICKET_INVALID));
                bodies.add(refused(gateway, "/api/sessions?ticket=" + staticTicket, Map.of(),
                        AuthRefusal.TOKEN_MISSING));
                bodies.add(refused(gateway, "/api/sessions", TestTokens.bearer(expired), AuthRefusal.TOKEN_EXPIRED));
                bodies.add(refused(gateway, "/api/sessions", TestTokens.bearer(forged), AuthRefusal.TOKEN_INVALID));
                bodies.add(refused(gateway, "/api/agents", TestTokens.bearer(unsigned), AuthRefusal.TOKEN_INVALID));
                bodies.add(refused(gateway, "/api/sessions", Map.of("Cookie", "crewstream_token=" + forged),
                        AuthRefusal.TOKEN_INVALID));
                bodies.add(refused(gateway, "/api/sessions?access_token=" + jwt, Map.of(), AuthRefusal.TOKEN_IN_URL));
                bodies.add(refused(gateway, "/api/events?access_token=" + jwt, Map.of(), AuthRefusal.TOKEN_IN_URL));
                bodies.add(refused(gateway, "/api/sessions", TestTokens.bearer(this.staticToken + "x"),
                        AuthRefusal.TOKEN_INVALID));
                bodies.add(refused(gateway, "/api/stream-tickets", TestTokens.bearer(this.jwtSecret),
                        AuthRefusal.TOKEN_INVALID));
                Map<String, String> asJwt = TestTokens.bearer(jwt);
                bodies.add(body(gateway.get("/api/nothing-here", asJwt), 404));
                bodies.add(body(gateway.send("DELETE", "/api/sessions", asJwt), 405));
                bodies.add(raw(gateway, "/api/sessions?connection=%zz&access_token=" + jwt, Map.of(), 400));
                bodies.add(raw(gateway, "/api/sessions/..;/x?ticket=" + ticket, asJwt, 400));
                bodies.add(raw(gateway, "/api/events?ticket=%zz" + ticket, Map.of(), 400));
                Map<String, String> asStatic = TestTokens.bearer(this.staticToken);
                bodies.add(body(gateway.get("/actuator/configprops", asStatic), 404));
                bodies.add(body(gateway.get("/actuator/env", asStatic), 404));

                health = gateway.get("/actuator/health").body();
                readiness = gateway.get("/actuator/health/readiness").body();
                metrics = body(gateway.get("/actuator/metrics", asStatic), 200);
                rejectedMetric = body(gateway.get("/actuator/metrics/crewstream.sse.http.rejected", asStatic),
                        200);
                prometheus = body(gateway.get("/actuator/prometheus", asStatic), 200);
            }
        }

        assertThat(readiness).contains("sessionTable");
        assertThat(rejectedMetric).contains(AuthRefusal.TICKET_USED.code()).contains(AuthRefusal.TOKEN_IN_URL.code());
        assertThat(prometheus).contains("crewstream_sse_http_rejected_total");
        assertThat(output.getAll()).as("the gateway logged at TRACE").contains("io.crewstream");
        for (String secret : secrets) {
            assertThat(output.getAll()).as("the log").doesNotContain(secret);
            assertThat(health + readiness).as("health").doesNotContain(secret);
            assertThat(metrics + rejectedMetric).as("metrics").doesNotContain(secret);
            assertThat(prometheus).as("prometheus").doesNotContain(secret);
            assertThat(bodies).as("error bodies").noneMatch(body -> body.contains(secret));
        }
    }

    /** Adds {@code credential}, and its signature alone when it is a JWS, to the secrets searched for. */
    private static String secret(List<String> secrets, String credential) {
        secrets.add(credential);
        int lastDot = credential.lastIndexOf('.');
        if (lastDot > 0 && lastDot < credential.length() - 1) {
            secrets.add(credential.substring(lastDot + 1));
        }
        return credential;
    }

    /**
     * A ticket, asked for on a connection of its own: a second POST on a kept-alive connection was, now and then, never
     * read by the gateway (its request-head timeout closed the connection), which is not what this test is about.
     */
    private static String ticket(GatewayApp gateway, Map<String, String> credentials) {
        RawHttp.Response issued = RawHttp.send(gateway.port(), "POST", "/api/stream-tickets", credentials, WAIT);
        assertThat(issued.status()).isEqualTo(201);
        return ContractJson.mapper().readValue(issued.body(), StreamTicket.class).ticket();
    }

    private static String refused(GatewayApp gateway, String pathAndQuery, Map<String, String> headers,
            AuthRefusal refusal) {
        String method = pathAndQuery.startsWith("/api/stream-tickets") ? "POST" : "GET";
        HttpResponse<String> response = gateway.send(method, pathAndQuery, headers);
        assertThat(response.statusCode()).as(pathAndQuery).isEqualTo(refusal.status());
        assertThat(response.body()).contains("\"reason\":\"" + refusal.code() + "\"");
        return response.body();
    }

    /** A request the JDK's client would refuse to send (a malformed escape, {@code ;} in the path). */
    private static String raw(GatewayApp gateway, String target, Map<String, String> headers, int status) {
        RawHttp.Response response = RawHttp.send(gateway.port(), "GET", target, headers, WAIT);
        assertThat(response.status()).as(target).isEqualTo(status);
        return response.body();
    }

    private static String body(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.uri().getPath()).isEqualTo(status);
        return response.body();
    }
}
