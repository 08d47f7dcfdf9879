package io.crewstream.ssegateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SessionsRefresh;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.SseSession;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.SseParser.Event;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** No client is served a half-read table, and readiness says when the table is whole. */
@ExtendWith(KafkaBrokerExtension.class)
class TableLoadingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final String READINESS = "/actuator/health/readiness";

    private TableTopics tables;

    private GatewayApp gateway;

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

    @Test
    void firstRefreshHoldsEveryRowThatExistedAtStart(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-load");
        this.tables.connection("home", UpstreamState.CONNECTED);
        int rows = 400;
        for (int i = 0; i < rows; i++) {
            this.tables.created("home", "agent:a" + i + ":main");
        }
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        try (SseTestClient client = this.gateway.events()) {
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
            Event first = client.events().get(0);
            assertThat(first.name()).isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
            assertThat(refresh(first).sessions()).hasSize(rows);
            assertThat(refresh(first).gateways()).hasSize(1);
        }
        await().atMost(WAIT).until(() -> this.gateway.get(READINESS).statusCode() == 200);
        assertThat(this.gateway.getJson("/api/sessions").get("sessions")).hasSize(rows);
    }

    @Test
    void readinessIsDownAndAnEarlyClientGetsNothingUntilTheTableIsLoaded(KafkaBroker broker) {
        this.tables = TableTopics.withoutTopics(broker, "sse-ready");
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        // The topics do not exist yet, so the table cannot be loaded: a deterministic "loading" state.
        assertThat(this.gateway.get(READINESS).statusCode()).isEqualTo(503);
        assertThat(this.gateway.get(READINESS).body()).contains("DOWN");
        assertThat(this.gateway.get("/api/sessions").statusCode()).isEqualTo(503);

        try (SseTestClient early = this.gateway.events()) {
            await().atMost(WAIT).until(() -> early.retry() != null);
            assertThat(early.status()).isEqualTo(200);
            assertThat(early.events()).as("nothing before the table is loaded").isEmpty();

            this.tables.createTopics();
            this.tables.connection("home", UpstreamState.CONNECTED);
            this.tables.created("home", "agent:main:main");

            await().atMost(WAIT).until(() -> this.gateway.get(READINESS).statusCode() == 200);
            await().atMost(WAIT).until(() -> !early.events().isEmpty());
            assertThat(early.events().get(0).name()).isEqualTo(SseEventType.SESSIONS_REFRESH.eventName());
            Set<String> seen = new HashSet<>();
            await().atMost(WAIT).until(() -> {
                seen.clear();
                refresh(early.events().get(0)).sessions().stream().map(SseSession::key).forEach(seen::add);
                early.events(SseEventType.SESSION_CREATED).forEach(e -> seen.add(e.json().get("key").asString()));
                return seen.contains("agent:main:main");
            });
        }
    }

    @Test
    void recordBreakingTheContractIsSkippedCountedAndDoesNotStopTheTable(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-bad");
        this.tables.rawSessionRecord("home/agent:bad:main", "{not json");
        this.tables.rawSessionRecord("no-slash-key", "{}");
        this.tables.created("home", "agent:good:main");
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());

        await().atMost(WAIT).until(() -> this.gateway.get(READINESS).statusCode() == 200);
        assertThat(this.gateway.getJson("/api/sessions").get("sessions"))
                .extracting(row -> row.get("key").asString()).containsExactly("agent:good:main");
        assertThat(this.gateway.counter("crewstream.sse.table.records.rejected")).isEqualTo(2);
    }

    @Test
    void readerKeepsRetryingWhileNoBrokerAnswersAndReadinessSaysWhyWhileLivenessStaysUp(KafkaBroker broker) {
        this.tables = TableTopics.withoutTopics(broker, "sse-nobroker");
        this.gateway = GatewayApp.start("localhost:" + freePort(), this.tables.prefix());

        // Each attempt times out after a second; two counted failures prove the reader survived the first.
        await().atMost(WAIT).until(() -> this.gateway.counter("crewstream.sse.table.read.failures") >= 2);
        assertThat(this.gateway.get(READINESS).statusCode()).isEqualTo(503);
        assertThat(this.gateway.get(READINESS).body()).contains("DOWN", "could not get topic metadata");
        assertThat(this.gateway.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(this.gateway.get("/api/sessions").statusCode()).isEqualTo(503);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
