package io.crewstream.ssegateway;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.ssegateway.stream.StreamMetrics;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.RawHttp;
import io.crewstream.ssegateway.support.RawSseConnection;
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

/** No request that has ended leaves a client registered (issue #20: HEAD requests leaked a stream each, for ever). */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamReleaseTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-release");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.created("home", "agent:main:main");
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.heartbeat=500ms");
        await().atMost(WAIT).until(() -> this.gateway.get("/actuator/health/readiness").statusCode() == 200);
    }

    @AfterAll
    void stop() {
        this.gateway.close();
        this.tables.close();
    }

    private double clientsGauge() {
        return this.gateway.meters().get(StreamMetrics.CLIENTS).gauge().value();
    }

    @Test
    void headRequestsGetTheStreamHeadersAndLeaveNoClientBehind() {
        for (int i = 0; i < 50; i++) {
            // As `curl -sI --max-time 1`: headers, then the client is gone.
            RawHttp.Response response = RawHttp.send(this.gateway.port(), "HEAD", "/api/events", Map.of(),
                    Duration.ofMillis(300));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            assertThat(response.body()).isEmpty();
        }
        // Nothing to wait for: a HEAD never registers. Checked at once, and again after heartbeats have run.
        assertThat(this.gateway.registeredClients()).isZero();
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> this.gateway.registeredClients() == 0);
        assertThat(clientsGauge()).isZero();
    }

    @Test
    void headRequestsAnswerWhatTheStreamWouldForABadFilter() {
        RawHttp.Response response = RawHttp.send(this.gateway.port(), "HEAD", "/api/events?connection=",
                Map.of(), Duration.ofMillis(300));
        assertThat(response.status()).isEqualTo(400);
        assertThat(this.gateway.registeredClients()).isZero();
    }

    @Test
    void streamsWhoseClientsCloseTheirSocketAreReleased() throws IOException {
        List<RawSseConnection> connections = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RawSseConnection connection = RawSseConnection.open(this.gateway.port(), "/api/events", 64 * 1024);
            connection.readUntil(parser -> !parser.events().isEmpty(), WAIT);
            connections.add(connection);
        }
        assertThat(this.gateway.registeredClients()).isEqualTo(20);
        for (RawSseConnection connection : connections) {
            connection.close();
        }
        // Noticed at the latest when a heartbeat (every 500 ms here) fails to reach the closed socket.
        await().atMost(WAIT).until(() -> this.gateway.registeredClients() == 0);
        assertThat(clientsGauge()).isZero();
    }
}
