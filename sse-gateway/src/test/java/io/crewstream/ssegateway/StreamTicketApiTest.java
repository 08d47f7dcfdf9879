package io.crewstream.ssegateway;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.StreamTicket;
import io.crewstream.ssegateway.security.ApiSecurityConfiguration;
import io.crewstream.ssegateway.security.GatewayScope;
import io.crewstream.ssegateway.security.StreamTicketController;
import io.crewstream.ssegateway.security.StreamTickets;
import io.crewstream.ssegateway.security.Viewer;
import io.crewstream.ssegateway.support.GatewayApp;
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
 * Stream tickets on real gateways, with real HS256 JWTs: single use, short-lived, only ours, only for opening the
 * event stream, never longer than the token's access, capped per subject per minute; and good on a second instance
 * that shares the ticket secret. Each test uses its own subject, so that the per-subject cap of one does not touch
 * another.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamTicketApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String TICKET_SECRET = "shared-ticket-secret-0123456789-abcdefgh";

    private static final String STATIC_TOKEN = "static-token-for-tickets";

    private static final int PER_MINUTE = 3;

    private TableTopics tables;

    /** Tickets live 2 s here, at most 3 per subject per minute. */
    private GatewayApp first;

    /** Shares the first one's ticket secret; tickets live the default 30 s here. */
    private GatewayApp second;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-tickets");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.first = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                withJwt("crewstream.sse.auth.tickets.secret=" + TICKET_SECRET, "crewstream.sse.auth.tickets.ttl=2s",
                        "crewstream.sse.auth.tickets.per-minute=" + PER_MINUTE,
                        "crewstream.sse.auth.tokens=" + STATIC_TOKEN));
        this.second = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                withJwt("crewstream.sse.auth.tickets.secret=" + TICKET_SECRET));
        for (GatewayApp app : List.of(this.first, this.second)) {
            await().atMost(WAIT).until(() -> app.get("/actuator/health/readiness").statusCode() == 200);
        }
    }

    private static String[] withJwt(String... more) {
        List<String> properties = new java.util.ArrayList<>(List.of(TestTokens.hs256Properties()));
        // No tolerance: a token's access ends at its exp, to the second.
        properties.add("crewstream.sse.auth.jwt.clock-skew=0s");
        properties.addAll(List.of(more));
        return properties.toArray(String[]::new);
    }

    @AfterAll
    void stop() {
        this.first.close();
        this.second.close();
        this.tables.close();
    }

    private static String token(String subject, Duration ttl) {
        return TestTokens.hs256(TestTokens.claims(subject, List.of("*"), ttl));
    }

    private static HttpResponse<String> askForTicket(GatewayApp app, String token) {
        return app.send("POST", StreamTicketController.PATH, TestTokens.bearer(token));
    }

    private static StreamTicket ticket(GatewayApp app, String token) {
        HttpResponse<String> response = askForTicket(app, token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return ContractJson.mapper().readValue(response.body(), StreamTicket.class);
    }

    /** Opens the stream with a ticket; the caller closes it. */
    private static SseTestClient open(GatewayApp app, String ticket) {
        return app.events("?ticket=" + ticket, Map.of());
    }

    private static void assertOpens(GatewayApp app, String ticket) {
        try (SseTestClient client = open(app, ticket)) {
            assertThat(client.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
        }
    }

    /** The stream is refused with this code, the body saying so without quoting the ticket. */
    private static void assertRefused(GatewayApp app, String ticket, AuthRefusal refusal) {
        HttpResponse<String> response = app.get("/api/events?ticket=" + ticket);
        assertThat(response.statusCode()).isEqualTo(refusal.status());
        assertThat(response.body()).contains("\"reason\":\"" + refusal.code() + "\"").doesNotContain(ticket);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
    }

    private static double rejected(GatewayApp app, AuthRefusal refusal) {
        var counter = app.meters().find(ApiSecurityConfiguration.REJECTED_METRIC).tag("reason", refusal.code())
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aTicketOpensOneStreamAndIsRefusedAsUsedTheSecondTime() {
        HttpResponse<String> response = askForTicket(this.first, token("reuse", Duration.ofHours(1)));
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(
                value -> assertThat(value).contains("no-store"));
        String ticket = ContractJson.mapper().readValue(response.body(), StreamTicket.class).ticket();
        double usedBefore = rejected(this.first, AuthRefusal.TICKET_USED);

        assertOpens(this.first, ticket);
        assertRefused(this.first, ticket, AuthRefusal.TICKET_USED);

        assertThat(rejected(this.first, AuthRefusal.TICKET_USED)).isEqualTo(usedBefore + 1);
    }

    @Test
    void aTicketNotUsedWithinItsTtlIsRefusedAsExpired() {
        StreamTicket ticket = ticket(this.first, token("late", Duration.ofHours(1)));
        assertThat(ticket.expiresAt()).as("the 2 s ttl, rounded up to a whole second")
                .isLessThanOrEqualTo(Instant.now().plusSeconds(3).toEpochMilli());

        await().atMost(WAIT).until(() -> System.currentTimeMillis() >= ticket.expiresAt());

        assertRefused(this.first, ticket.ticket(), AuthRefusal.TICKET_EXPIRED);
    }

    @Test
    void forgedTamperedUnsignedTicketsAndTokensPassedAsTicketsAreRefusedAsInvalid() {
        StreamTickets otherDeployment = new StreamTickets(new SseGatewayProperties.Tickets(Duration.ofSeconds(30),
                "some-other-deployments-secret-0123456789", 30), Clock.systemUTC(), new SecureRandom());
        String forged = otherDeployment.issue(new Viewer("forger", GatewayScope.ALL, Optional.empty())).ticket();
        assertRefused(this.first, forged, AuthRefusal.TICKET_INVALID);

        String[] parts = ticket(this.first, token("tamper", Duration.ofHours(1))).ticket().split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String renamed = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.replace("\"tamper\"", "\"admin0\"").getBytes(StandardCharsets.UTF_8));
        assertRefused(this.first, parts[0] + "." + renamed + "." + parts[2], AuthRefusal.TICKET_INVALID);
        assertRefused(this.first, parts[0] + "." + parts[1] + ".", AuthRefusal.TICKET_INVALID);

        assertRefused(this.first, token("token-as-ticket", Duration.ofHours(1)), AuthRefusal.TICKET_INVALID);
    }

    @Test
    void aTicketOfOneInstanceOpensAStreamOnAnotherSharingTheSecretWhichThenRefusesItsSecondUse() {
        String ticket = ticket(this.first, token("roaming", Duration.ofHours(1))).ticket();

        assertOpens(this.second, ticket);
        assertRefused(this.second, ticket, AuthRefusal.TICKET_USED);
    }

    @Test
    void aTicketOpensTheEventStreamOnlyAndIsNotSpentByOtherRequests() {
        String ticket = ticket(this.first, token("narrow", Duration.ofHours(1))).ticket();

        for (String path : List.of("/api/sessions", "/api/gateways", "/api/agents")) {
            HttpResponse<String> response = this.first.get(path + "?ticket=" + ticket);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.body()).contains("\"reason\":\"token_missing\"");
        }
        assertThat(this.first.send("HEAD", "/api/events?ticket=" + ticket, Map.of()).statusCode()).isEqualTo(401);
        assertThat(this.first.send("POST", StreamTicketController.PATH + "?ticket=" + ticket, Map.of())
                .statusCode()).as("a ticket does not buy another ticket").isEqualTo(401);

        assertOpens(this.first, ticket);
    }

    @Test
    void aTicketNeverOutlivesTheAccessOfTheTokenItWasIssuedFor() {
        Instant tokenExpires = Instant.now().plusSeconds(3);
        String token = TestTokens.hs256(TestTokens.claims("brief", List.of("*"), Duration.ofSeconds(3)));

        StreamTicket ticket = ticket(this.second, token);

        long exp = tokenExpires.toEpochMilli() / 1000 * 1000;
        assertThat(ticket.accessExpiresAt()).as("exp, with no skew allowed").isBetween(exp - 1000, exp);
        assertThat(ticket.expiresAt()).as("well before the 30 s ttl").isLessThanOrEqualTo(ticket.accessExpiresAt());
        await().atMost(WAIT).until(() -> System.currentTimeMillis() >= ticket.accessExpiresAt());
        assertRefused(this.second, ticket.ticket(), AuthRefusal.TICKET_EXPIRED);
        assertThat(askForTicket(this.second, token).body()).as("and the token gets no new one")
                .contains("\"reason\":\"token_expired\"");
    }

    @Test
    void aSubjectGetsTheTicketsPerMinuteAndOneMoreIs429WithRetryAfterWhileOthersAreUnaffected() {
        String token = token("hungry", Duration.ofHours(1));
        for (int i = 0; i < PER_MINUTE; i++) {
            ticket(this.first, token);
        }
        double before = rejected(this.first, AuthRefusal.TOO_MANY_TICKETS);

        HttpResponse<String> refused = askForTicket(this.first, token);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(refused.body()).contains("\"reason\":\"too_many_tickets\"").doesNotContain(token);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
        assertThat(rejected(this.first, AuthRefusal.TOO_MANY_TICKETS)).isEqualTo(before + 1);
        ticket(this.first, token("not-hungry", Duration.ofHours(1)));
    }

    @Test
    void aStaticTokensTicketCarriesNoAccessExpiryAndOpensTheStream() {
        StreamTicket ticket = ticket(this.first, STATIC_TOKEN);

        assertThat(ticket.accessExpiresAt()).isNull();
        assertOpens(this.first, ticket.ticket());
    }
}
