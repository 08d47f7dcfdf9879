package io.crewstream.ssegateway;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.api.ConnectionsPerAddress;
import io.crewstream.ssegateway.security.ApiSecurityConfiguration;
import io.crewstream.ssegateway.stream.StreamsPerSubject;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.ssegateway.support.TestTokens;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Open streams per subject ({@code max-streams-per-subject}) on real gateways with real HS256 JWTs: one more than the
 * limit is a 429 JSON error before any stream byte; a stream's place is released when it ends, whether its client
 * leaves or its token expires; with authentication off nobody is limited by subject. The per-address connection limit
 * applies on top, before any request is read: it counts connections, whoever they authenticate as.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A static token, which a team's screens share. */
    private static final String TEAM_TOKEN = "team-wall-token";

    private TableTopics tables;

    /** Two streams per subject. */
    private GatewayApp limited;

    /** Authentication off, one stream "per subject": not applied. */
    private GatewayApp open;

    /** Authentication on, three connections per address, five streams per subject. */
    private GatewayApp fewConnections;

    private final List<SseTestClient> clients = new ArrayList<>();

    @BeforeAll
    void start(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-limits");
        this.tables.connection("home", UpstreamState.CONNECTED);
        String[] jwt = TestTokens.hs256Properties();
        this.limited = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(), jwt[0], jwt[1], jwt[2],
                "crewstream.sse.auth.jwt.clock-skew=0s", "crewstream.sse.auth.max-streams-per-subject=2",
                "crewstream.sse.auth.tickets.per-minute=2", "crewstream.sse.auth.tokens=" + TEAM_TOKEN);
        this.open = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.auth.max-streams-per-subject=1");
        this.fewConnections = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(), jwt[0], jwt[1],
                jwt[2], "crewstream.sse.auth.max-streams-per-subject=5",
                "crewstream.sse.max-connections-per-address=3",
                // The test client's idle kept-alive connection is closed soon, and counts no more.
                "crewstream.sse.request-head-timeout=1s");
        for (GatewayApp app : List.of(this.limited, this.open, this.fewConnections)) {
            await().atMost(WAIT).until(() -> app.get("/actuator/health/readiness").statusCode() == 200);
        }
    }

    @AfterEach
    void closeClients() {
        this.clients.forEach(SseTestClient::close);
        this.clients.clear();
    }

    @AfterAll
    void stop() {
        this.limited.close();
        this.open.close();
        this.fewConnections.close();
        this.tables.close();
    }

    private static String token(String subject, Duration ttl) {
        return TestTokens.hs256(TestTokens.claims(subject, List.of("*"), ttl));
    }

    /** A stream that has started (its first event arrived). */
    private SseTestClient stream(GatewayApp app, Map<String, String> headers) {
        SseTestClient client = app.events("", headers);
        this.clients.add(client);
        assertThat(client.status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> !client.events().isEmpty());
        return client;
    }

    private int open(String subject) {
        return this.limited.bean(StreamsPerSubject.class).open(subject);
    }

    private double tooManyStreams() {
        var counter = this.limited.meters().find(ApiSecurityConfiguration.REJECTED_METRIC)
                .tag("reason", AuthRefusal.TOO_MANY_STREAMS.code()).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aSubjectMayHoldTheLimitAndOneMoreIsA429JsonErrorBeforeAnyStreamByte() {
        String alice = token("alice", Duration.ofHours(1));
        stream(this.limited, TestTokens.bearer(alice));
        stream(this.limited, TestTokens.bearer(alice));
        double before = tooManyStreams();

        HttpResponse<String> refused = this.limited.get("/api/events", TestTokens.bearer(alice));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(refused.body()).startsWith("{").contains("\"reason\":\"too_many_streams\"")
                .doesNotContain("retry:").doesNotContain(alice);
        assertThat(tooManyStreams()).isEqualTo(before + 1);
        assertThat(open("alice")).as("the refused one does not count").isEqualTo(2);
        stream(this.limited, TestTokens.bearer(token("bob", Duration.ofHours(1))));
    }

    @Test
    void aSharedStaticTokenIsHeldToNeitherPerSubjectLimit() {
        // Everyone holding it shares it: a wall of screens must not run into one person's limits.
        for (int i = 0; i < 3; i++) {
            stream(this.limited, TestTokens.bearer(TEAM_TOKEN));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(this.limited.send("POST", "/api/stream-tickets", TestTokens.bearer(TEAM_TOKEN)).statusCode())
                    .isEqualTo(201);
        }
        String dave = token("dave", Duration.ofHours(1));
        for (int i = 0; i < 2; i++) {
            assertThat(this.limited.send("POST", "/api/stream-tickets", TestTokens.bearer(dave)).statusCode())
                    .isEqualTo(201);
        }
        assertThat(this.limited.send("POST", "/api/stream-tickets", TestTokens.bearer(dave)).statusCode())
                .as("a person is held to the cap").isEqualTo(429);
    }

    @Test
    void aStreamWhoseClientLeavesFreesItsPlace() {
        String carol = token("carol", Duration.ofHours(1));
        SseTestClient leaving = stream(this.limited, TestTokens.bearer(carol));
        stream(this.limited, TestTokens.bearer(carol));

        leaving.close();

        await().atMost(WAIT).until(() -> open("carol") == 1);
        stream(this.limited, TestTokens.bearer(carol));
    }

    @Test
    void streamsEndedByTheirTokensExpiryFreeTheirPlaces() {
        String brief = token("dave", Duration.ofSeconds(6));
        SseTestClient first = stream(this.limited, TestTokens.bearer(brief));
        SseTestClient second = stream(this.limited, TestTokens.bearer(brief));

        await().atMost(WAIT).until(() -> first.ended() && second.ended());
        assertThat(first.events(SseEventType.AUTH_EXPIRED)).hasSize(1);

        await().atMost(WAIT).until(() -> open("dave") == 0);
        String renewed = token("dave", Duration.ofHours(1));
        stream(this.limited, TestTokens.bearer(renewed));
        stream(this.limited, TestTokens.bearer(renewed));
    }

    @Test
    void withAuthenticationOffStreamsAreNotLimitedBySubject() {
        for (int i = 0; i < 3; i++) {
            stream(this.open, Map.of());
        }
        assertThat(this.open.bean(StreamsPerSubject.class).subjects()).isZero();
    }

    @Test
    void thePerAddressLimitStillAppliesWithAuthenticationCountingConnectionsWhateverTheirSubjects() {
        ConnectionsPerAddress connections = this.fewConnections.bean(ConnectionsPerAddress.class);
        await().atMost(WAIT).until(() -> connections.keys() == 0);
        for (String subject : List.of("erin", "frank", "grace")) {
            stream(this.fewConnections, TestTokens.bearer(token(subject, Duration.ofHours(1))));
        }
        double before = this.fewConnections.counter(ApiSecurityConfiguration.REJECTED_METRIC);

        assertThatThrownBy(() -> this.fewConnections.events("",
                TestTokens.bearer(token("heidi", Duration.ofHours(1))))).as("closed before any response")
                .isInstanceOf(UncheckedIOException.class);

        assertThat(this.fewConnections.meters().find(ApiSecurityConfiguration.REJECTED_METRIC)
                .tag("reason", "connections-per-address").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(this.fewConnections.counter(ApiSecurityConfiguration.REJECTED_METRIC)).isGreaterThan(before);
        this.clients.get(0).close();
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            SseTestClient client = this.fewConnections.events("", TestTokens.bearer(token("heidi",
                    Duration.ofHours(1))));
            this.clients.add(client);
            return client.status() == 200;
        });
    }
}
