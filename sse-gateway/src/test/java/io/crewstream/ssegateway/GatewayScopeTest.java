package io.crewstream.ssegateway;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.security.ApiSecurityConfiguration;
import io.crewstream.ssegateway.security.StreamTicketController;
import io.crewstream.ssegateway.stream.EventStreams;
import io.crewstream.ssegateway.stream.StreamMetrics;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseParser;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.ssegateway.support.TestTokens;
import io.crewstream.ssegateway.support.Timeline;
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
 * Scopes with real HS256 JWTs on a real gateway over the in-process broker: a token that may see one gateway sees
 * only that gateway on every endpoint (sessions, agents, gateways, the stream's refresh and live events, a
 * {@code Last-Event-ID} resume, the replay and usage APIs); {@code *} sees all; an empty scope sees no gateway; a
 * filter naming a gateway outside the scope is a 403 {@code out_of_scope}, counted once.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayScopeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final String A = "gw-a";

    private static final String B = "gw-b";

    private static final String ONLY_A = TestTokens.hs256(TestTokens.claims("alice", List.of(A), Duration.ofHours(1)));

    private static final String EVERY = TestTokens.hs256(TestTokens.claims("root", List.of("*"), Duration.ofHours(1)));

    private static final String NOTHING = TestTokens.hs256(TestTokens.claims("nobody", List.of(), Duration.ofHours(1)));

    private Timeline timeline;

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.timeline = Timeline.create(broker, "sse-scope");
        this.tables = TableTopics.in(broker, this.timeline.namespace());
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        long minute = AgentUsageMinute.minuteOf(System.currentTimeMillis()) - 10 * AgentUsageMinute.MINUTE_MILLIS;
        for (String gateway : List.of(A, B)) {
            this.tables.connection(gateway, UpstreamState.CONNECTED);
            this.tables.created(gateway, "agent:main:" + gateway + "-first");
            this.tables.agent(TableTopics.agent(gateway, "main", ActivityState.IDLE, AgentSessionCounts.NONE, null,
                    null, 1));
            this.timeline.event(hourAgo, Timeline.snapshot(gateway, "s-" + gateway,
                    Timeline.row("agent:main:" + gateway + "-first", "running")));
            this.timeline.usage(AgentUsageMinute.of(gateway, "main", minute, 1, 1, 0, 10, Map.of(), minute));
        }
        // A broken writer's record: keyed as gw-a's, holding gw-b's minute. Its key must not let it past the scope.
        this.timeline.brokenUsage(Instant.ofEpochMilli(minute), AgentUsageMinute.key(A, "spoofed"),
                new String(ContractSerdes.of(AgentUsageMinute.class).serialize(null, AgentUsageMinute.of(B, "spoofed",
                        minute, 1, 1, 0, 10, Map.of(), minute)), StandardCharsets.UTF_8));
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.timeline.prefix(),
                TestTokens.hs256Properties());
        await().atMost(WAIT).until(() -> this.gateway.get("/actuator/health/readiness").statusCode() == 200);
        await().atMost(WAIT).until(() -> json("/api/sessions", EVERY).path("sessions").size() == 2
                && json("/api/agents", EVERY).path("agents").size() == 2);
    }

    @AfterAll
    void stop() {
        if (this.gateway != null) {
            this.gateway.close();
        }
        this.tables.close();
        this.timeline.close();
    }

    @Test
    void aOneGatewayTokenSeesOnlyThatGatewayOnEveryEndpoint() {
        for (String path : List.of("/api/sessions", "/api/agents", "/api/gateways", "/api/replay/connections",
                "/api/usage?hours=24")) {
            HttpResponse<String> response = get(path, ONLY_A);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).contains(A).doesNotContain(B);
        }
        JsonNode sessions = json("/api/sessions", ONLY_A);
        assertThat(connections(sessions.path("sessions"))).containsExactly(A);
        assertThat(connections(sessions.path("gateways"))).containsExactly(A);
        assertThat(connections(json("/api/agents", ONLY_A).path("agents"))).containsExactly(A);
        assertThat(json("/api/replay/connections", ONLY_A).toString()).isEqualTo("{\"connections\":[\"gw-a\"]}");
        JsonNode usage = json("/api/usage?hours=24", ONLY_A);
        assertThat(connections(usage.path("agents"))).containsExactly(A);
        assertThat(usage.path("unreadableRecords").asLong()).as("the record whose key and value disagree")
                .isEqualTo(1);
        assertThat(get("/api/replay/range?connection=" + A, ONLY_A).statusCode()).as("its own gateway's questions")
                .isEqualTo(200);
    }

    @Test
    void theWildcardSeesEveryGateway() {
        for (String path : List.of("/api/sessions", "/api/agents", "/api/gateways", "/api/replay/connections",
                "/api/usage?hours=24")) {
            assertThat(get(path, EVERY).body()).as(path).contains(A).contains(B);
        }
        assertThat(get("/api/sessions?connection=" + B, EVERY).statusCode()).isEqualTo(200);
    }

    @Test
    void anEmptyScopeSeesNoGatewayButStillThePipelinesStatus() {
        JsonNode sessions = json("/api/sessions", NOTHING);
        assertThat(sessions.path("sessions").size()).isZero();
        assertThat(sessions.path("gateways").size()).isZero();
        assertThat(json("/api/agents", NOTHING).path("agents").size()).isZero();
        assertThat(json("/api/gateways", NOTHING).size()).isZero();
        assertThat(json("/api/replay/connections", NOTHING).path("connections").size()).isZero();
        assertThat(json("/api/usage?hours=24", NOTHING).path("agents").size()).isZero();
        try (SseTestClient stream = this.gateway.events("", TestTokens.bearer(NOTHING))) {
            await().atMost(WAIT).until(() -> !stream.events(SseEventType.PIPELINE_STATUS).isEmpty());
            assertThat(stream.events(SseEventType.SESSIONS_REFRESH).get(0).json().path("sessions").size()).isZero();
            assertThat(stream.events()).noneMatch(event -> event.data().contains(A) || event.data().contains(B));
        }
    }

    @Test
    void aFilterNamingAGatewayOutsideTheScopeIs403OnEveryEndpointCountedOnce() {
        List<String> paths = List.of("/api/sessions?connection=" + B, "/api/agents?connection=" + B,
                "/api/gateways?connection=" + B, "/api/sessions?connection=" + A + "," + B,
                "/api/agents?connection=" + B + "&agent=main", "/api/replay/range?connection=" + B,
                "/api/replay/state?connection=" + B + "&at=now", "/api/replay/step?connection=" + B
                        + "&at=now&direction=previous",
                "/api/replay/frames?connection=" + B + "&from=-1h", "/api/usage?connection=" + B,
                // Not known to the pipeline at all: the same 403, telling nothing about whether it exists.
                "/api/replay/range?connection=gw-unknown", "/api/sessions?connection=gw-unknown");
        double before = outOfScope();
        List<String> refused = new ArrayList<>();
        for (String path : paths) {
            HttpResponse<String> response = get(path, ONLY_A);
            assertThat(response.statusCode()).as(path).isEqualTo(403);
            assertThat(response.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            JsonNode body = ContractJson.mapper().readTree(response.body());
            assertThat(body.path("reason").asString()).as(path).isEqualTo(AuthRefusal.OUT_OF_SCOPE.code());
            assertThat(body.path("status").asInt()).isEqualTo(403);
            refused.add(path);
        }
        try (SseTestClient stream = this.gateway.events("?connection=" + B, TestTokens.bearer(ONLY_A))) {
            assertThat(stream.status()).as("the stream").isEqualTo(403);
            refused.add("GET /api/events");
        }
        assertThat(this.gateway.send("HEAD", "/api/events?connection=" + B, TestTokens.bearer(ONLY_A)).statusCode())
                .as("HEAD /api/events").isEqualTo(403);
        refused.add("HEAD /api/events");
        assertThat(outOfScope() - before).as("each refusal counted once").isEqualTo(refused.size());
        assertThat(this.gateway.registeredClients()).as("no stream was opened").isZero();
    }

    @Test
    void anUnknownGatewayWithinTheScopeIsA404NamingOnlyTheKnownGatewaysItMaySee() {
        String aAndGhost = TestTokens.hs256(TestTokens.claims("carol", List.of(A, "gw-ghost"), Duration.ofHours(1)));
        HttpResponse<String> response = get("/api/replay/range?connection=gw-ghost", aAndGhost);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("known: gw-a").doesNotContain(B);
    }

    @Test
    void scopeEntriesThatAreNoConnectionIdMatchNothingAndBreakNothing() {
        String odd = TestTokens.hs256(TestTokens.claims("dave", List.of(A, "GW B!", ""), Duration.ofHours(1)));
        for (String path : List.of("/api/sessions", "/api/agents", "/api/gateways", "/api/replay/connections",
                "/api/usage?hours=24")) {
            HttpResponse<String> response = get(path, odd);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).contains(A).doesNotContain(B);
        }
    }

    @Test
    void theStreamCarriesOnlyTheScopesLiveChanges() {
        try (SseTestClient scoped = this.gateway.events("", TestTokens.bearer(ONLY_A));
                SseTestClient witness = this.gateway.events("", TestTokens.bearer(EVERY))) {
            await().atMost(WAIT).until(() -> !scoped.events(SseEventType.PIPELINE_STATUS).isEmpty()
                    && !witness.events(SseEventType.PIPELINE_STATUS).isEmpty());
            assertThat(connections(scoped.events(SseEventType.SESSIONS_REFRESH).get(0).json().path("sessions")))
                    .containsExactly(A);

            this.tables.created(B, "agent:main:gw-b-live");
            this.tables.updated(B, "agent:main:gw-b-first", System.currentTimeMillis());
            this.tables.agent(TableTopics.agent(B, "ops", ActivityState.IDLE, AgentSessionCounts.NONE, null, null, 1));
            this.tables.agentRemoved(B, "ops");
            this.tables.connection(B, UpstreamState.UNREACHABLE);
            await().atMost(WAIT).until(() -> witness.events(SseEventType.GATEWAY_STATUS).stream()
                    .anyMatch(event -> event.data().contains(B) && event.data().contains("unreachable")));
            assertThat(witness.events(SseEventType.SESSION_CREATED)).as("the witness sees gw-b's changes")
                    .anyMatch(event -> event.data().contains("gw-b-live"));
            assertThat(witness.events(SseEventType.AGENTS_REFRESH)).as("and the agent's removal").hasSizeGreaterThan(1);
            // One change of its own, after all of those: once it arrives, any of gw-b's would have arrived before.
            this.tables.created(A, "agent:main:gw-a-live");
            await().atMost(WAIT).until(() -> scoped.events(SseEventType.SESSION_CREATED).stream()
                    .anyMatch(event -> event.data().contains("gw-a-live")));

            assertThat(scoped.events()).noneMatch(event -> event.data().contains(B));
            assertThat(scoped.events(SseEventType.AGENTS_REFRESH)).as("no other gateway's agent left").hasSize(1);
        }
        finally {
            this.tables.connection(B, UpstreamState.CONNECTED);
        }
    }

    @Test
    void aStreamOpenedWithAStreamTicketKeepsTheTokensScope() {
        HttpResponse<String> issued = this.gateway.send("POST", StreamTicketController.PATH,
                TestTokens.bearer(ONLY_A));
        assertThat(issued.statusCode()).isEqualTo(201);
        String ticket = ContractJson.mapper().readTree(issued.body()).path("ticket").asString();
        try (SseTestClient stream = this.gateway.events("?ticket=" + ticket, Map.of())) {
            await().atMost(WAIT).until(() -> !stream.events(SseEventType.PIPELINE_STATUS).isEmpty());
            assertThat(connections(stream.events(SseEventType.SESSIONS_REFRESH).get(0).json().path("sessions")))
                    .containsExactly(A);
            assertThat(stream.events()).noneMatch(event -> event.data().contains(B));
        }
        String another = ContractJson.mapper().readTree(this.gateway.send("POST", StreamTicketController.PATH,
                TestTokens.bearer(ONLY_A)).body()).path("ticket").asString();
        try (SseTestClient refused = this.gateway.events("?ticket=" + another + "&connection=" + B, Map.of())) {
            assertThat(refused.status()).as("the ticket's scope is the token's").isEqualTo(403);
        }
    }

    @Test
    void aResumeReplaysOnlyTheScopesChangesMadeWhileAway() {
        String lastId;
        try (SseTestClient first = this.gateway.events("", TestTokens.bearer(ONLY_A))) {
            await().atMost(WAIT).until(() -> !first.events(SseEventType.PIPELINE_STATUS).isEmpty());
            lastId = first.lastEventId();
        }
        this.tables.created(B, "agent:main:gw-b-away");
        this.tables.removed(B, "agent:main:gw-b-first-gone");
        this.tables.updated(B, "agent:main:gw-b-first", System.currentTimeMillis());
        this.tables.connection(B, UpstreamState.CONNECTED);
        this.tables.created(A, "agent:main:gw-a-away");
        await().atMost(WAIT).until(() -> get("/api/sessions", EVERY).body().contains("gw-b-away")
                && get("/api/sessions", EVERY).body().contains("gw-a-away"));

        Map<String, String> resumeA = new HashMap<>(TestTokens.bearer(ONLY_A));
        resumeA.put(EventStreams.LAST_EVENT_ID_HEADER, lastId);
        Map<String, String> resumeEvery = new HashMap<>(TestTokens.bearer(EVERY));
        resumeEvery.put(EventStreams.LAST_EVENT_ID_HEADER, lastId);
        double resumedBefore = resumed();
        try (SseTestClient scoped = this.gateway.events("", resumeA);
                SseTestClient witness = this.gateway.events("", resumeEvery)) {
            await().atMost(WAIT).until(() -> !scoped.events(SseEventType.PIPELINE_STATUS).isEmpty()
                    && !witness.events(SseEventType.PIPELINE_STATUS).isEmpty());
            assertThat(resumed() - resumedBefore).as("both resumed, neither got the whole state").isEqualTo(2);
            assertThat(witness.events(SseEventType.SESSION_CREATED)).as("the changes were there to be replayed")
                    .anyMatch(event -> event.data().contains("gw-b-away"));

            assertThat(scoped.events(SseEventType.SESSIONS_REFRESH)).isEmpty();
            assertThat(scoped.events(SseEventType.SESSION_CREATED)).extracting(SseParser.Event::data)
                    .anyMatch(data -> data.contains("gw-a-away"));
            assertThat(scoped.events()).noneMatch(event -> event.data().contains(B));
            assertThat(connections(scoped.events(SseEventType.AGENTS_REFRESH).get(0).json().path("agents")))
                    .containsExactly(A);
        }
    }

    private HttpResponse<String> get(String path, String token) {
        return this.gateway.get(path, TestTokens.bearer(token));
    }

    private JsonNode json(String path, String token) {
        HttpResponse<String> response = get(path, token);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return ContractJson.mapper().readTree(response.body());
    }

    private static List<String> connections(JsonNode list) {
        return list.valueStream().map(item -> item.path("connectionId").asString()).distinct().toList();
    }

    private double outOfScope() {
        var counter = this.gateway.meters().find(ApiSecurityConfiguration.REJECTED_METRIC)
                .tag("reason", AuthRefusal.OUT_OF_SCOPE.code()).counter();
        return counter == null ? 0 : counter.count();
    }

    private double resumed() {
        var counter = this.gateway.meters().find(StreamMetrics.RESUMES)
                .tag("outcome", "resumed").counter();
        return counter == null ? 0 : counter.count();
    }
}
