package io.crewstream.ssegateway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.StreamTicket;
import io.crewstream.ssegateway.security.StreamTicketController;
import io.crewstream.ssegateway.stream.EventStreams;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseParser.Event;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.ssegateway.support.TestTokens;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stream opened with a JWT ends with {@code auth-expired} when the token does, and a new ticket resumed with the
 * last id gets every change made in between; a stream of a static token never ends that way. Real gateway, real
 * broker, real HS256 tokens expiring during the test.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamExpiryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String STATIC_TOKEN = "static-token-that-never-expires";

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-expiry");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.created("home", "agent:first:main");
        this.tables.created("home", "agent:gone:main");
        String[] jwt = TestTokens.hs256Properties();
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(), jwt[0], jwt[1], jwt[2],
                // No tolerance: the access ends at the token's exp.
                "crewstream.sse.auth.jwt.clock-skew=0s", "crewstream.sse.auth.tokens=" + STATIC_TOKEN);
        await().atMost(WAIT).until(() -> this.gateway.get("/actuator/health/readiness").statusCode() == 200);
    }

    @AfterAll
    void stop() {
        this.gateway.close();
        this.tables.close();
    }

    private String ticket(String token) {
        var response = this.gateway.send("POST", StreamTicketController.PATH, TestTokens.bearer(token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return ContractJson.mapper().readValue(response.body(), StreamTicket.class).ticket();
    }

    private static boolean hasSession(SseTestClient client, SseEventType type, String key) {
        return client.events(type).stream().anyMatch(event -> key.equals(event.json().get("key").asString()));
    }

    @Test
    void aJwtStreamEndsWithAuthExpiredAndANewTicketResumedWithItsLastIdGetsEveryChangeMadeMeanwhile() {
        JWTClaimsSet.Builder claims = TestTokens.claims("carol", List.of("*"), Duration.ofSeconds(6));
        // JWT times are whole seconds.
        long exp = claims.build().getExpirationTime().getTime() / 1000 * 1000;
        try (SseTestClient forever = this.gateway.events("?ticket=" + ticket(STATIC_TOKEN), Map.of());
                SseTestClient expiring = this.gateway.events("?ticket=" + ticket(TestTokens.hs256(claims)),
                        Map.of())) {
            assertThat(expiring.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> !expiring.events(SseEventType.SESSIONS_REFRESH).isEmpty());

            await().atMost(WAIT).until(expiring::ended);
            List<Event> events = expiring.events();
            Event last = events.get(events.size() - 1);
            assertThat(last.is(SseEventType.AUTH_EXPIRED)).as("the last event").isTrue();
            assertThat(last.json().get("expiredAt").asLong()).isEqualTo(exp);
            assertThat(System.currentTimeMillis()).as("not before the token expired").isGreaterThanOrEqualTo(exp);
            assertThat(expiring.events(SseEventType.AUTH_EXPIRED)).hasSize(1);
            String lastEventId = expiring.lastEventId();
            assertThat(lastEventId).isNotNull();

            // While the page holds an expired token and asks for a new one.
            this.tables.created("home", "agent:meanwhile:main");
            this.tables.updated("home", "agent:first:main", 42_000L);
            this.tables.removed("home", "agent:gone:main");
            await().atMost(WAIT).until(() -> hasSession(forever, SseEventType.SESSION_REMOVED, "agent:gone:main"));

            String renewed = TestTokens.hs256(TestTokens.claims("carol", List.of("*"), Duration.ofHours(1)));
            try (SseTestClient resumed = this.gateway.events("?ticket=" + ticket(renewed) + "&"
                    + EventStreams.LAST_EVENT_ID_PARAMETER + "=" + URLEncoder.encode(lastEventId,
                            StandardCharsets.UTF_8), Map.of())) {
                await().atMost(WAIT).until(() -> hasSession(resumed, SseEventType.SESSION_REMOVED, "agent:gone:main"));
                assertThat(hasSession(resumed, SseEventType.SESSION_CREATED, "agent:meanwhile:main")).isTrue();
                assertThat(resumed.events(SseEventType.SESSION_UPDATED)).singleElement()
                        .satisfies(event -> assertThat(event.json().get("updatedAt").asLong()).isEqualTo(42_000L));
                assertThat(resumed.events(SseEventType.SESSIONS_REFRESH)).as("an exact resume, not the whole state")
                        .isEmpty();
                assertThat(resumed.events(SseEventType.AUTH_EXPIRED)).isEmpty();
            }

            assertThat(forever.ended()).as("the static token's stream is still open").isFalse();
            assertThat(forever.events(SseEventType.AUTH_EXPIRED)).isEmpty();
            assertThat(hasSession(forever, SseEventType.SESSION_CREATED, "agent:meanwhile:main")).isTrue();
        }
    }
}
