package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.state.Position;
import io.crewstream.ssegateway.stream.StreamMetrics;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.RawHttp;
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

/**
 * Requests a careless client sends: resume tokens of any size, filter values that cannot be meant, request lines
 * and headers over the limits. Each gets a 4xx in the API's JSON shape or, for a resume token, the whole state;
 * never a 500, never the container's HTML page.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-malformed");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.created("home", "agent:main:main");
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        await().atMost(WAIT).until(() -> this.gateway.get("/actuator/health/readiness").statusCode() == 200);
    }

    @AfterAll
    void stop() {
        this.gateway.close();
        this.tables.close();
    }

    /**
     * A token of valid shape for a cluster with {@code partitions} partitions per table topic (four of them), each at
     * {@code offset}.
     */
    private static String tokenOfShape(int partitions, String offset) {
        String offsets = String.join("-", java.util.Collections.nCopies(partitions, offset));
        return "v2." + String.join(".", java.util.Collections.nCopies(4, offsets));
    }

    @Test
    void aLongResumeTokenOfValidShapeGetsTheWholeStateNotA500() {
        // Many partitions at small offsets (what overflowed the regular expression's stack) and fewer at large ones.
        for (String token : List.of(tokenOfShape(500, "0"), tokenOfShape(900, "1"), tokenOfShape(130, "5yc1s00"))) {
            assertThat(token.length()).isGreaterThan(1_800);
            assertThat(Position.parse(token)).as("a token a large cluster gives").isPresent();
            try (SseTestClient header = this.gateway.events("", Map.of("Last-Event-ID", token));
                    SseTestClient query = this.gateway.events("?lastEventId=" + token, Map.of())) {
                for (SseTestClient client : List.of(header, query)) {
                    assertThat(client.status()).as("%d characters", token.length()).isEqualTo(200);
                    await().atMost(WAIT).until(() -> !client.events().isEmpty());
                    // Other partition counts than this gateway's topics: the whole state, nothing lost.
                    assertThat(client.events().get(0).name()).isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
                }
            }
        }
    }

    @Test
    void aMalformedResumeTokenIsReportedAndAnsweredWithTheWholeState() {
        double before = this.gateway.meters().get(StreamMetrics.RESUMES).tag("outcome", "malformed").counter()
                .count();
        try (SseTestClient client = this.gateway.events("", Map.of("Last-Event-ID", "v1.0-!.0"))) {
            assertThat(client.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
            assertThat(client.events().get(0).name()).isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
        }
        assertThat(this.gateway.meters().get(StreamMetrics.RESUMES).tag("outcome", "malformed").counter().count())
                .isEqualTo(before + 1);
    }

    private void awaitNoClients() {
        await().atMost(WAIT).until(() -> this.gateway.registeredClients() == 0);
    }

    @Test
    void aResumeTokenOverTheHeaderLimitIsA4xxInTheApisJsonShape() {
        awaitNoClients();
        String huge = tokenOfShape(2_000, "5yc1s00");
        RawHttp.Response header = RawHttp.send(this.gateway.port(), "GET", "/api/events",
                Map.of("Last-Event-ID", huge), Duration.ofSeconds(2));
        RawHttp.Response query = RawHttp.send(this.gateway.port(), "GET", "/api/events?lastEventId=" + huge,
                Map.of(), Duration.ofSeconds(2));
        for (RawHttp.Response response : List.of(header, query)) {
            assertThat(response.status()).as(response.toString()).isBetween(400, 499);
            assertJsonError(response);
        }
        assertThat(this.gateway.registeredClients()).isZero();
    }

    @Test
    void anEmptyBlankOrControlFilterValueIsA400OnEveryEndpoint() {
        awaitNoClients();
        for (String path : List.of("/api/sessions", "/api/agents", "/api/gateways", "/api/events")) {
            for (String query : List.of("?connection=", "?connection=%20", "?connection=%00", "?agent=",
                    "?agent=%20%20", "?agent=%00", "?agent=a,,b", "?connection=home,", "?connection=Not%20an%20id",
                    "?agent=" + "x".repeat(300))) {
                RawHttp.Response response = RawHttp.send(this.gateway.port(), "GET", path + query, Map.of(),
                        Duration.ofSeconds(1));
                assertThat(response.status()).as(path + query).isEqualTo(400);
                assertJsonError(response);
            }
        }
        assertThat(this.gateway.registeredClients()).isZero();
        // The same filters, meant: a valid value still filters.
        assertThat(this.gateway.getJson("/api/sessions?connection=home&agent=main").get("sessions").size())
                .isEqualTo(1);
        assertThat(this.gateway.getJson("/api/sessions?connection=elsewhere").get("sessions").size()).isZero();
    }

    @Test
    void anUndecodableQueryIsA400WithoutQuotingItOnEveryPathWithAuthOff() {
        for (String target : List.of("/api/events?connection=%zz", "/api/sessions?%zz=1",
                "/api/replay/connections?x=%G1",
                "/api/usage?hours=%zz", "/?x=%zz")) {
            RawHttp.Response response = RawHttp.send(this.gateway.port(), "GET", target, Map.of(),
                    Duration.ofSeconds(1));
            assertThat(response.status()).as(target).isEqualTo(400);
            assertJsonError(response);
            assertThat(response.body()).as(target).contains("could not be decoded").doesNotContain("%zz");
        }
    }

    @Test
    void anUnknownPathOrMethodIsA4xxInTheApisJsonShape() {
        for (String[] request : List.of(new String[] { "GET", "/api/nothing-here" },
                new String[] { "POST", "/api/sessions" }, new String[] { "DELETE", "/api/events" },
                new String[] { "BREW", "/api/sessions" }, new String[] { "GET", "/api/sessions?%zz=1" },
                new String[] { "GET", "/api/{x}" })) {
            RawHttp.Response response = RawHttp.send(this.gateway.port(), request[0], request[1], Map.of(),
                    Duration.ofSeconds(1));
            assertThat(response.status()).as(String.join(" ", request)).isBetween(400, 499);
            assertJsonError(response);
        }
    }

    private static void assertJsonError(RawHttp.Response response) {
        assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/json");
        assertThat(response.body()).as(response.toString()).contains("\"status\":" + response.status())
                .contains("\"error\":").doesNotContainIgnoringCase("<html").doesNotContain("Exception");
    }
}
