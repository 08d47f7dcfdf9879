package io.crewstream.ssegateway;

import java.time.Duration;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.GatewayStatus;
import io.crewstream.schemas.sse.PipelineState;
import io.crewstream.schemas.sse.PipelineStatus;
import io.crewstream.schemas.sse.SessionsRefresh;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseParser.Event;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whether what a client is shown is being kept up to date: the pipeline's status on every stream, and a gateway
 * whose status stopped arriving shown as paused (the ingestor or the projector is gone, so its "connected" is only
 * the last known state). The broker outage itself is in the local module's {@code PipelineOutageTest}, which can
 * stop a broker of its own.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PipelineStatusTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeEach
    void tables(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-pipeline");
    }

    @AfterEach
    void stop() {
        if (this.gateway != null) {
            this.gateway.close();
        }
        this.tables.close();
    }

    @Test
    void everyNewStreamIsToldThePipelineIsLiveWithoutMovingItsResumePosition(KafkaBroker broker) {
        this.tables.created("home", "agent:main:main");
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        try (SseTestClient client = this.gateway.events()) {
            await().atMost(WAIT).until(() -> !client.events(SseEventType.PIPELINE_STATUS).isEmpty());

            Event refreshEvent = client.events(SseEventType.SESSIONS_REFRESH).get(0);
            SessionsRefresh refresh = ContractJson.mapper().readValue(refreshEvent.data(), SessionsRefresh.class);
            assertThat(refresh.pipeline().state()).isEqualTo(PipelineState.LIVE);
            Event pipeline = client.events(SseEventType.PIPELINE_STATUS).get(0);
            assertThat(ContractJson.mapper().readValue(pipeline.data(), PipelineStatus.class).state())
                    .isEqualTo(PipelineState.LIVE);
            assertThat(client.lastEventId()).as("pipeline-status has no id: the position stays the refresh's")
                    .isEqualTo(refresh.position());
        }
    }

    @Test
    void gatewayWhoseStatusStopsArrivingIsShownPausedSinceItsLastWordThenLiveWhenItArrivesAgain(KafkaBroker broker) {
        long lastWord = System.currentTimeMillis();
        this.tables.restatedConnection("home", 200, lastWord);
        // Overdue after 2 x 200 ms + 3 s (pause-after) without a new row.
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.pause-after=3s");
        try (SseTestClient client = this.gateway.events()) {
            await().atMost(WAIT).until(() -> client.events(SseEventType.GATEWAY_STATUS).stream()
                    .anyMatch(event -> event.json().hasNonNull("pausedSince")));
            GatewayStatus paused = client.events(SseEventType.GATEWAY_STATUS).stream()
                    .map(PipelineStatusTest::status).filter(status -> status.pausedSince() != null).findFirst()
                    .orElseThrow();
            assertThat(paused.pausedSince()).isEqualTo(lastWord);
            assertThat(paused.stale()).as("its sessions are only the last known ones").isTrue();
            assertThat(this.gateway.getJson("/api/gateways").get(0).path("pausedSince").asLong()).isEqualTo(lastWord);
            JsonNode readiness = this.gateway.getJson("/actuator/health/readiness");
            assertThat(readiness.path("status").asString()).as("one gateway's silence is not this instance's")
                    .isEqualTo("UP");
            assertThat(client.events(SseEventType.PIPELINE_STATUS)).as("the pipeline itself stays live")
                    .allSatisfy(event -> assertThat(event.json().path("state").asString()).isEqualTo("live"));

            int before = client.events(SseEventType.GATEWAY_STATUS).size();
            this.tables.restatedConnection("home", 60_000, System.currentTimeMillis());

            await().atMost(WAIT).until(() -> client.events(SseEventType.GATEWAY_STATUS).stream().skip(before)
                    .map(PipelineStatusTest::status).anyMatch(status -> status.pausedSince() == null));
            await().atMost(WAIT).until(() -> this.gateway.getJson("/api/gateways").get(0).path("pausedSince")
                    .isMissingNode());
            GatewayStatus last = status(client.events(SseEventType.GATEWAY_STATUS)
                    .get(client.events(SseEventType.GATEWAY_STATUS).size() - 1));
            assertThat(last.pausedSince()).isNull();
            assertThat(last.stale()).isFalse();
        }
    }

    private static GatewayStatus status(Event event) {
        return ContractJson.mapper().readValue(event.data(), GatewayStatus.class);
    }
}
