package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.RawHttp;
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
 * The auth bypass of issue #20: with tokens configured, no spelling of an API path reaches session data without one.
 * Every request goes out byte for byte on a socket ({@code curl --path-as-is}), so the server's own path handling
 * is what is tested, whatever the transport behind it.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathSpellingAuthTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String TOKEN = "path-test-token";

    /** In the table: its key or label in a response means session data was served. */
    private static final String SECRET_KEY = "agent:secret:main";

    private static final String SECRET_LABEL = "SECRET-LABEL";

    /** The spellings reported in the issue, then more of the same families. */
    private static final List<String> SPELLINGS = List.of(
            "//api/events", "/./api/events", "/x/../api/events", "/api;x=1/events", "/%61pi/events",
            "/api;x=1/sessions", "/%61pi/sessions",
            "/api%2Fevents", "/api%2fevents", "/api%2Fsessions", "/%2E/api/events", "/%2e/api/events",
            "/api/%2E/events", "/api/%2e%2e/api/sessions", "/api/events/", "/api/./events", "/api//events",
            "/api/events;", "/api/sessions;", "/api/sessions;jsessionid=x", "/%2561pi/events", "/%2561pi/sessions",
            "/api/%65vents", "/%61pi/gateways", "/api/gateways/", "/API/events", "/api/events%00", "/api\\events",
            "/api/events/..;/sessions", "/contract.js/../api/sessions", "/index.html/..;/api/events",
            "/actuator/health/../../api/sessions", "/actuator/health/..%2F..%2Fapi/sessions", "/.//api/events",
            "/api/sessions?x=/../", "/api/events?", "/api/gateways#frag",
            "/%61pi/replay/connections", "/api/replay/connections/", "/replay/../api/replay/connections",
            "/replay/..;/api/replay/connections", "/replay.js/..;/api/replay/connections", "/replay;/../api/sessions",
            "/api/replay/%2E%2E/sessions");

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-paths");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.upsert("home", TableTopics.row(SECRET_KEY, 1_000L, "label", SECRET_LABEL), ChangeType.CREATED,
                1);
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.auth.tokens=" + TOKEN);
        await().atMost(WAIT).until(() -> this.gateway.get("/actuator/health/readiness").statusCode() == 200);
        // The row is in the table: a response that served data would show it.
        await().atMost(WAIT).until(() -> this.gateway.get("/api/sessions", Map.of("Authorization", "Bearer " + TOKEN))
                .body().contains(SECRET_LABEL));
    }

    @AfterAll
    void stop() {
        this.gateway.close();
        this.tables.close();
    }

    private RawHttp.Response send(String method, String target) {
        return RawHttp.send(this.gateway.port(), method, target, Map.of(), Duration.ofMillis(600));
    }

    @Test
    void everySpellingOfAnApiPathWithoutATokenIsRefusedWithNoSessionData() {
        List<String> served = new ArrayList<>();
        for (String spelling : SPELLINGS) {
            for (String method : List.of("GET", "HEAD", "OPTIONS")) {
                RawHttp.Response response = send(method, spelling);
                boolean refused = response.status() == 400 || response.status() == 401 || response.status() == 403;
                if (!refused || leaksData(response)) {
                    served.add(method + " " + spelling + " -> " + response);
                }
            }
        }
        assertThat(served).as("requests served without a token").isEmpty();
        assertThat(this.gateway.registeredClients()).as("streams opened without a token").isZero();
    }

    @Test
    void refusalsAreTheApisJsonErrorNotAnHtmlPage() {
        for (String spelling : SPELLINGS) {
            RawHttp.Response response = send("GET", spelling);
            assertThat(response.header("Content-Type")).as(spelling).startsWith("application/json");
            assertThat(response.body()).as(spelling).contains("\"status\":" + response.status())
                    .doesNotContainIgnoringCase("<html").doesNotContain("Exception");
        }
    }

    @Test
    void ambiguousSpellingsAreRejectedBeforeRoutingEvenWithAToken() {
        for (String spelling : List.of("//api/events", "/./api/events", "/x/../api/events", "/api;x=1/events",
                "/api%2Fevents", "/%2E/api/events", "/%2561pi/events", "/api/./events", "/api//events",
                "/api/sessions;")) {
            RawHttp.Response response = RawHttp.send(this.gateway.port(), "GET", spelling,
                    Map.of("Authorization", "Bearer " + TOKEN), Duration.ofMillis(600));
            assertThat(response.status()).as(spelling).isEqualTo(400);
            assertThat(leaksData(response)).as(spelling).isFalse();
        }
    }

    @Test
    void theCanonicalPathsAnswer401WithoutAndServeWithTheToken() {
        assertThat(send("GET", "/api/sessions").status()).isEqualTo(401);
        assertThat(send("GET", "/api/events").status()).isEqualTo(401);
        RawHttp.Response allowed = RawHttp.send(this.gateway.port(), "GET", "/api/sessions",
                Map.of("Authorization", "Bearer " + TOKEN), Duration.ofMillis(600));
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.body()).contains(SECRET_LABEL);
    }

    @Test
    void theDashboardContractAndHealthProbesArePublicAndEverythingElseIsNot() {
        for (String open : List.of("/", "/index.html", "/dashboard.js", "/dashboard.css", "/contract.js",
                "/pages.js", "/replay", "/replay.html", "/replay.js", "/usage", "/usage.html", "/usage.js",
                "/actuator/health", "/actuator/health/readiness",
                "/actuator/health/liveness")) {
            assertThat(send("GET", open).status()).as(open).isEqualTo(200);
        }
        for (String closed : List.of("/actuator/metrics", "/actuator/prometheus", "/actuator/info", "/api/gateways",
                "/api/replay/connections", "/api/replay/state?connection=home&at=now", "/replay/x", "/replay.html/x",
                "/no-such-page", "/error")) {
            RawHttp.Response response = send("GET", closed);
            assertThat(response.status()).as(closed).isIn(401, 404);
            assertThat(leaksData(response)).as(closed).isFalse();
        }
    }

    @Test
    void aStaleTokenDoesNotLockAnyoneOutOfThePublicPaths() {
        // An old cookie or a bookmarked ?access_token=: the page must load (and then ask for a new token).
        for (String open : List.of("/", "/index.html?access_token=stale", "/contract.js?token=stale",
                "/actuator/health/readiness")) {
            RawHttp.Response response = RawHttp.send(this.gateway.port(), "GET", open,
                    Map.of("Cookie", "crewstream_token=stale", "Authorization", "Bearer stale"),
                    Duration.ofMillis(600));
            assertThat(response.status()).as(open).isEqualTo(200);
        }
        assertThat(RawHttp.send(this.gateway.port(), "GET", "/api/sessions", Map.of("Authorization", "Bearer stale"),
                Duration.ofMillis(600)).status()).isEqualTo(401);
    }

    @Test
    void anUndecodableQueryIsA400NotA500() {
        for (String target : List.of("/api/sessions?%zz=1", "/api/events?access_token=%zz", "/api/gateways?x=%G1")) {
            RawHttp.Response response = send("GET", target);
            assertThat(response.status()).as(target).isEqualTo(400);
            assertThat(response.body()).as(target).contains("could not be decoded").doesNotContain("%zz");
        }
    }

    private static boolean leaksData(RawHttp.Response response) {
        return response.body().contains(SECRET_KEY) || response.body().contains(SECRET_LABEL)
                || response.body().contains("sessions-refresh") || response.body().contains("event:")
                || "text/event-stream".equals(response.header("Content-Type"));
    }
}
