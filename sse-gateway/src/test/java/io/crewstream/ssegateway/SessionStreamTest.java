package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.GatewayStatus;
import io.crewstream.schemas.sse.SessionRemovedPayload;
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
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;


import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The browser contract on one instance, against the real broker, read by a real SSE client. */
@ExtendWith(KafkaBrokerExtension.class)
class SessionStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeEach
    void startGateway(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-stream");
    }

    private GatewayApp gateway(KafkaBroker broker) {
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        return this.gateway;
    }

    @AfterEach
    void stop() {
        if (this.gateway != null) {
            this.gateway.close();
        }
        this.tables.close();
    }

    private static SessionsRefresh refresh(Event event) {
        return ContractJson.mapper().readValue(event.data(), SessionsRefresh.class);
    }

    private static GatewayStatus status(Event event) {
        return ContractJson.mapper().readValue(event.data(), GatewayStatus.class);
    }

    @Test
    void clientConnectingWhileUpstreamIsDownSeesItAndLaterReceivesSessionsWithoutReconnecting(KafkaBroker broker) {
        this.tables.connection("home", UpstreamState.UNREACHABLE);
        try (SseTestClient client = gateway(broker).events()) {
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
            Event first = client.events().get(0);
            assertThat(first.name()).isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
            SessionsRefresh refresh = refresh(first);
            assertThat(refresh.sessions()).isEmpty();
            assertThat(refresh.gateways()).singleElement().satisfies(gateway -> {
                assertThat(gateway.state()).isEqualTo(UpstreamState.UNREACHABLE);
                assertThat(gateway.stale()).isTrue();
            });
            assertThat(first.id()).isEqualTo(refresh.position());
            assertThat(client.retry()).isEqualTo(3000L);
            assertThat(client.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(client.header("X-Accel-Buffering")).isEqualTo("no");
            assertThat(client.header("Content-Type")).startsWith("text/event-stream");
            await().atMost(WAIT).until(() -> client.events(SseEventType.GATEWAY_STATUS).size() == 1);
            GatewayStatus unreachable = status(client.events(SseEventType.GATEWAY_STATUS).get(0));
            assertThat(unreachable.state()).isEqualTo(UpstreamState.UNREACHABLE);
            assertThat(unreachable.stale()).isTrue();

            this.tables.connection("home", UpstreamState.CONNECTED);
            SessionRow main = TableTopics.row("agent:main:main", 1_700_000_000_000L, "model", "claude-opus",
                    "label", "parent=agent:root:main", "someFutureField", "kept");
            this.tables.upsert("home", main, ChangeType.CREATED, 1);
            this.tables.created("home", "agent:dev:main");

            await().atMost(WAIT).until(() -> client.events(SseEventType.SESSION_CREATED).size() == 2);
            assertThat(client.events(SseEventType.SESSION_CREATED))
                    .extracting(event -> event.json().get("key").asString())
                    .containsExactlyInAnyOrder("agent:main:main", "agent:dev:main");
            assertThat(client.events(SseEventType.SESSION_CREATED))
                    .allSatisfy(event -> assertThat(event.json().get("connectionId").asString()).isEqualTo("home"));
            ObjectNode expected = main.fields().put("status", SseSession.IDLE).put("connectionId", "home");
            assertThat(client.events(SseEventType.SESSION_CREATED))
                    .as("every field the gateway sent, plus CrewHub's status and connectionId")
                    .anySatisfy(event -> assertThat(event.data())
                            .isEqualTo(ContractJson.mapper().writeValueAsString(expected)));
            await().atMost(WAIT).until(() -> client.events(SseEventType.GATEWAY_STATUS).size() == 2);
            assertThat(status(client.events(SseEventType.GATEWAY_STATUS).get(1)).state())
                    .isEqualTo(UpstreamState.CONNECTED);
            assertThat(client.events()).allSatisfy(event -> assertThat(event.id()).startsWith("v2."));
            assertThat(client.ended()).isFalse();
            assertThat(this.gateway.meters().get(StreamMetrics.EVENTS_SENT)
                    .tag("event", SseEventType.SESSION_CREATED.eventName()).counter().count()).isEqualTo(2);
            assertThat(this.gateway.meters().get(StreamMetrics.DELIVERY_LATENCY).timer().count()).isGreaterThan(2);
        }
    }

    @Test
    void upstreamOutageIsShownAsStaleWhileSessionsAreKeptAndRecoveryAsConnected(KafkaBroker broker) {
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.created("home", "agent:main:main");
        try (SseTestClient client = gateway(broker).events()) {
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
            assertThat(refresh(client.events().get(0)).sessions()).hasSize(1);

            await().atMost(WAIT).until(() -> client.events(SseEventType.GATEWAY_STATUS).size() == 1);
            assertThat(status(client.events(SseEventType.GATEWAY_STATUS).get(0)).stale()).isFalse();

            this.tables.connection("home", UpstreamState.DISCONNECTED);
            await().atMost(WAIT).until(() -> client.events(SseEventType.GATEWAY_STATUS).size() == 2);
            GatewayStatus down = status(client.events(SseEventType.GATEWAY_STATUS).get(1));
            assertThat(down.state()).isEqualTo(UpstreamState.DISCONNECTED);
            assertThat(down.stale()).isTrue();
            assertThat(client.events(SseEventType.SESSION_REMOVED)).isEmpty();
            JsonNode during = this.gateway.getJson("/api/sessions");
            assertThat(during.get("sessions")).hasSize(1);
            assertThat(during.get("gateways").get(0).get("stale").asBoolean()).isTrue();

            this.tables.connection("home", UpstreamState.CONNECTED);
            this.tables.updated("home", "agent:main:main", System.currentTimeMillis());
            await().atMost(WAIT).until(() -> client.events(SseEventType.GATEWAY_STATUS).size() == 3
                    && client.events(SseEventType.SESSION_UPDATED).size() == 1);
            GatewayStatus up = status(client.events(SseEventType.GATEWAY_STATUS).get(2));
            assertThat(up.state()).isEqualTo(UpstreamState.CONNECTED);
            assertThat(up.stale()).isFalse();
        }
    }

    @Test
    void emptyListFromConnectedGatewayRemovesEverySession(KafkaBroker broker) {
        List<String> keys = List.of("agent:a:main", "agent:b:main", "agent:c:main", "agent:d:main");
        this.tables.connection("home", UpstreamState.CONNECTED);
        keys.forEach(key -> this.tables.created("home", key));
        try (SseTestClient client = gateway(broker).events()) {
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
            assertThat(refresh(client.events().get(0)).sessions()).extracting(SseSession::key)
                    .containsExactlyInAnyOrderElementsOf(keys);

            keys.forEach(key -> this.tables.removed("home", key));

            await().atMost(WAIT).until(() -> client.events(SseEventType.SESSION_REMOVED).size() == keys.size());
            assertThat(client.events(SseEventType.SESSION_REMOVED))
                    .extracting(event -> ContractJson.mapper().readValue(event.data(), SessionRemovedPayload.class))
                    .containsExactlyInAnyOrderElementsOf(
                            keys.stream().map(key -> new SessionRemovedPayload(key, "home")).toList());
            assertThat(this.gateway.getJson("/api/sessions").get("sessions")).isEmpty();
        }
    }

    @Test
    void filtersNarrowTheRestEndpointsAndTheStreamToOneConnectionOrAgent(KafkaBroker broker) {
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.connection("work", UpstreamState.CONNECTED);
        this.tables.created("home", "agent:main:main");
        this.tables.created("work", "agent:main:main");
        this.tables.created("work", "agent:ops:main");
        GatewayApp app = gateway(broker);
        await().atMost(WAIT).until(() -> app.get("/api/sessions").statusCode() == 200
                && app.getJson("/api/sessions").get("sessions").size() == 3);

        JsonNode work = app.getJson("/api/sessions?connection=work");
        assertThat(work.get("sessions")).extracting(row -> row.get("key").asString())
                .containsExactlyInAnyOrder("agent:main:main", "agent:ops:main");
        assertThat(work.get("gateways")).extracting(row -> row.get("connectionId").asString()).containsExactly("work");
        assertThat(work.get("position").asString()).startsWith("v2.");
        assertThat(app.getJson("/api/sessions?agent=main").get("sessions")).hasSize(2);
        assertThat(app.getJson("/api/gateways?connection=home")).extracting(row -> row.get("connectionId").asString())
                .containsExactly("home");
        assertThat(app.getJson("/api/gateways")).hasSize(2);

        try (SseTestClient ops = app.events("?agent=ops", Map.of());
                SseTestClient home = app.events("?connection=home", Map.of())) {
            await().atMost(WAIT).until(() -> !ops.events().isEmpty() && !home.events().isEmpty());
            assertThat(refresh(ops.events().get(0)).sessions()).extracting(SseSession::connectionId)
                    .containsExactly("work");
            assertThat(refresh(home.events().get(0)).gateways()).extracting(GatewayStatus::connectionId)
                    .containsExactly("home");

            this.tables.created("home", "agent:ops:side");
            this.tables.created("work", "agent:main:side");
            this.tables.connection("work", UpstreamState.DISCONNECTED);
            this.tables.created("home", "agent:main:last");

            await().atMost(WAIT).until(() -> home.events(SseEventType.SESSION_CREATED).size() == 2);
            await().atMost(WAIT).until(() -> ops.events(SseEventType.SESSION_CREATED).size() == 1);
            assertThat(home.events(SseEventType.SESSION_CREATED)).extracting(e -> e.json().get("key").asString())
                    .containsExactlyInAnyOrder("agent:ops:side", "agent:main:last");
            assertThat(home.events(SseEventType.GATEWAY_STATUS)).as("only the initial status of its own gateway")
                    .extracting(event -> status(event).connectionId()).containsExactly("home");
            assertThat(ops.events(SseEventType.SESSION_CREATED)).extracting(e -> e.json().get("key").asString())
                    .containsExactly("agent:ops:side");
        }
    }

    @Test
    void deliveryLatencyIsRecordedForRemovalsToo(KafkaBroker broker) {
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.created("home", "agent:main:main");
        try (SseTestClient client = gateway(broker).events()) {
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
            Timer latency = this.gateway.meters().get(StreamMetrics.DELIVERY_LATENCY).timer();
            long before = latency.count();

            this.tables.removed("home", "agent:main:main");

            await().atMost(WAIT).until(() -> client.events(SseEventType.SESSION_REMOVED).size() == 1);
            await().atMost(WAIT).until(() -> latency.count() == before + 1);
        }
    }
}
