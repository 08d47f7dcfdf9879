package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SessionsRefresh;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.SseSession;
import io.crewstream.ssegateway.stream.StreamMetrics;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.SseParser.Event;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Resume tokens: exact catch-up on any instance, a refresh for anything that cannot be answered exactly. */
@ExtendWith(KafkaBrokerExtension.class)
class ResumeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TableTopics tables;

    private GatewayApp first;

    private GatewayApp second;

    @BeforeEach
    void createTables(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-resume");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.created("home", "agent:kept:main");
        this.tables.created("home", "agent:changed:main");
        this.tables.created("home", "agent:gone:main");
    }

    @AfterEach
    void stop() {
        for (GatewayApp app : new GatewayApp[] { this.first, this.second }) {
            if (app != null) {
                app.close();
            }
        }
        this.tables.close();
    }

    private static SessionsRefresh refresh(Event event) {
        return ContractJson.mapper().readValue(event.data(), SessionsRefresh.class);
    }

    /** Connects, waits for the refresh, disconnects; returns the token a browser would resume with. */
    private static String tokenAfterRefresh(GatewayApp app) {
        try (SseTestClient client = app.events()) {
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
            assertThat(refresh(client.events().get(0)).sessions()).hasSize(3);
            return client.lastEventId();
        }
    }

    private void missCreateUpdateAndRemoval() {
        this.tables.created("home", "agent:new:main");
        this.tables.updated("home", "agent:changed:main", 42_000L);
        this.tables.removed("home", "agent:gone:main");
    }

    private static void awaitSessionCount(GatewayApp app, int count) {
        await().atMost(WAIT).until(() -> app.get("/api/sessions").statusCode() == 200
                && app.getJson("/api/sessions").get("sessions").size() == count
                && app.getJson("/api/sessions?agent=changed").get("sessions").get(0).get("updatedAt").asLong() == 42_000L);
    }

    /** What the client was told about the table, sorted: every event but the pipeline's status, wherever it is. */
    private static List<String> tableContent(SseTestClient client) {
        return client.events().stream().filter(event -> !event.is(SseEventType.PIPELINE_STATUS)).map(event -> {
            JsonNode json = event.json();
            if (json instanceof ObjectNode object) {
                object.remove("pipeline");
            }
            return json.toString();
        }).sorted().toList();
    }

    private static void assertExactlyTheMissedChanges(SseTestClient resumed) {
        await().atMost(WAIT).until(() -> resumed.events().size() >= 5);
        List<Event> events = resumed.events();
        assertThat(events).hasSize(5);
        assertThat(events.subList(0, 3)).extracting(Event::name).containsExactlyInAnyOrder(
                SseEventType.SESSION_CREATED.eventName(), SseEventType.SESSION_UPDATED.eventName(),
                SseEventType.SESSION_REMOVED.eventName());
        assertThat(events.get(3).is(SseEventType.AGENTS_REFRESH)).as("after the catch-up: the agents as they are now")
                .isTrue();
        assertThat(events.get(3).id()).as("at the position the catch-up reached").isEqualTo(events.get(2).id());
        assertThat(events.get(4).is(SseEventType.PIPELINE_STATUS)).as("then whether it is live now").isTrue();
        assertThat(events.get(4).json().get("state").asString()).isEqualTo("live");
        assertThat(resumed.events(SseEventType.SESSION_CREATED).get(0).json().get("key").asString())
                .isEqualTo("agent:new:main");
        assertThat(resumed.events(SseEventType.SESSION_UPDATED).get(0).json().get("updatedAt").asLong())
                .isEqualTo(42_000L);
        assertThat(resumed.events(SseEventType.SESSION_REMOVED).get(0).json().get("key").asString())
                .isEqualTo("agent:gone:main");
        assertThat(events).allSatisfy(event -> assertThat(event.id()).startsWith("v2."));
    }

    @Test
    void resumingAfterAMissedCreateUpdateAndRemovalDeliversExactlyThoseThree(KafkaBroker broker) {
        this.first = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        String token = tokenAfterRefresh(this.first);

        missCreateUpdateAndRemoval();
        awaitSessionCount(this.first, 3);

        try (SseTestClient resumed = this.first.events("", Map.of("Last-Event-ID", token))) {
            assertExactlyTheMissedChanges(resumed);
            // Nothing else follows: the catch-up is exact, no refresh and no duplicates.
            this.tables.created("home", "agent:marker:main");
            await().atMost(WAIT).until(() -> resumed.events().size() == 6);
            assertThat(resumed.events(SseEventType.SESSIONS_REFRESH)).isEmpty();
        }
    }

    @Test
    void resumeTokenInTheQueryWorksLikeTheHeader(KafkaBroker broker) {
        this.first = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        String token = tokenAfterRefresh(this.first);
        missCreateUpdateAndRemoval();
        awaitSessionCount(this.first, 3);

        try (SseTestClient resumed = this.first.events("?lastEventId=" + token, Map.of())) {
            assertExactlyTheMissedChanges(resumed);
        }
    }

    @Test
    void garbageResumeTokenGetsAFullRefresh(KafkaBroker broker) {
        this.first = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        tokenAfterRefresh(this.first);
        for (String garbage : List.of("garbage", "v1.zzzzzzzzzzzzzzzz.0", "v1.0-0.0", "v1.-1-0-0.0-0", "v2.0-0-0.0-0")) {
            try (SseTestClient client = this.first.events("", Map.of("Last-Event-ID", garbage))) {
                await().atMost(WAIT).until(() -> !client.events().isEmpty());
                assertThat(client.events().get(0).name()).as(garbage)
                        .isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
                assertThat(refresh(client.events().get(0)).sessions()).as(garbage).hasSize(3);
            }
        }
    }

    @Test
    void aTokenFromAnInstanceBeforeTheActivityAndAgentTablesGetsTheWholeStateAndIsNotTakenForGarbage(
            KafkaBroker broker) {
        this.first = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        String current = tokenAfterRefresh(this.first);
        // What that instance issued for the same session and connection offsets: v1.<sessions>.<connections>.
        String[] lists = current.split("\\.");
        String old = "v1." + lists[1] + "." + lists[2];
        double refreshed = resumes(this.first, "refreshed");
        double malformed = resumes(this.first, "malformed");

        try (SseTestClient resumed = this.first.events("", Map.of("Last-Event-ID", old))) {
            await().atMost(WAIT).until(() -> resumed.events(SseEventType.AGENTS_REFRESH).size() == 1);
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(resumed.events().get(0).name()).isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
            assertThat(refresh(resumed.events().get(0)).sessions()).hasSize(3);
            assertThat(resumed.lastEventId()).startsWith("v2.");
        }
        assertThat(resumes(this.first, "refreshed")).isEqualTo(refreshed + 1);
        assertThat(resumes(this.first, "malformed")).isEqualTo(malformed);
    }

    private static double resumes(GatewayApp app, String outcome) {
        return app.meters().get(StreamMetrics.RESUMES).tag("outcome", outcome).counter().count();
    }

    @Test
    void tokenOlderThanTheRetainedChangesGetsAFullRefresh(KafkaBroker broker) {
        this.first = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.change-log-size=2");
        String token = tokenAfterRefresh(this.first);
        missCreateUpdateAndRemoval();
        awaitSessionCount(this.first, 3);

        try (SseTestClient resumed = this.first.events("", Map.of("Last-Event-ID", token))) {
            await().atMost(WAIT).until(() -> !resumed.events().isEmpty());
            Event first = resumed.events().get(0);
            assertThat(first.name()).isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
            assertThat(refresh(first).sessions()).extracting(SseSession::key)
                    .containsExactlyInAnyOrder("agent:kept:main", "agent:changed:main", "agent:new:main");
        }
    }

    @Test
    void tokenFromBeforeThisInstanceStartedGetsAFullRefresh(KafkaBroker broker) {
        this.first = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        String token = tokenAfterRefresh(this.first);
        missCreateUpdateAndRemoval();
        // What was read while loading may have lost tombstones to compaction: it cannot be replayed exactly.
        this.second = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        awaitSessionCount(this.second, 3);

        try (SseTestClient resumed = this.second.events("", Map.of("Last-Event-ID", token))) {
            await().atMost(WAIT).until(() -> !resumed.events().isEmpty());
            assertThat(resumed.events().get(0).name()).isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
            assertThat(refresh(resumed.events().get(0)).sessions()).hasSize(3);
        }
    }

    @Test
    void twoInstancesStreamTheSameChangesAndAcceptEachOthersTokens(KafkaBroker broker) {
        this.first = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        this.second = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        assertThat(this.first.port()).isNotEqualTo(this.second.port());

        String tokenFromFirst;
        try (SseTestClient onFirst = this.first.events(); SseTestClient onSecond = this.second.events()) {
            await().atMost(WAIT).until(() -> !onFirst.events().isEmpty() && !onSecond.events().isEmpty());
            this.tables.connection("home", UpstreamState.DISCONNECTED);
            missCreateUpdateAndRemoval();
            // Refresh, initial gateway status, agents and pipeline status, then four changes.
            await().atMost(WAIT).until(() -> onFirst.events().size() == 8 && onSecond.events().size() == 8);
            // Each instance's pipeline has been live since its own start; the table's content is the same.
            assertThat(tableContent(onSecond)).isEqualTo(tableContent(onFirst));
            // The id of the last live event, as a browser dropped by the first instance would send it.
            tokenFromFirst = onFirst.lastEventId();
        }

        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.created("home", "agent:later:main");
        await().atMost(WAIT).until(() -> this.second.getJson("/api/sessions").get("sessions").size() == 4);

        try (SseTestClient resumedOnSecond = this.second.events("", Map.of("Last-Event-ID", tokenFromFirst))) {
            await().atMost(WAIT).until(() -> resumedOnSecond.events().size() >= 4);
            this.tables.created("home", "agent:marker:main");
            await().atMost(WAIT).until(() -> resumedOnSecond.events().size() >= 5);
            assertThat(resumedOnSecond.events()).extracting(Event::name).containsExactlyInAnyOrder(
                    SseEventType.GATEWAY_STATUS.eventName(), SseEventType.SESSION_CREATED.eventName(),
                    SseEventType.AGENTS_REFRESH.eventName(), SseEventType.PIPELINE_STATUS.eventName(),
                    SseEventType.SESSION_CREATED.eventName());
            assertThat(resumedOnSecond.events(SseEventType.SESSION_CREATED))
                    .extracting(event -> event.json().get("key").asString())
                    .containsExactly("agent:later:main", "agent:marker:main");
        }
    }
}
