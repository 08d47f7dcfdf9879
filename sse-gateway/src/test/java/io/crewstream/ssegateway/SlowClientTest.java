package io.crewstream.ssegateway;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.stream.StreamMetrics;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.RawSseConnection;
import io.crewstream.ssegateway.support.SseParser;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Clients that do not keep up, or leave, cost the others nothing and are released. */
@ExtendWith(KafkaBrokerExtension.class)
class SlowClientTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeEach
    void createTables(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-slow");
        this.tables.connection("home", UpstreamState.CONNECTED);
    }

    @AfterEach
    void stop() {
        if (this.gateway != null) {
            this.gateway.close();
        }
        this.tables.close();
    }

    @Test
    void clientThatNeverReadsDoesNotDelayAnotherAndIsDisconnectedAfterTheTimeout(KafkaBroker broker)
            throws IOException {
        Duration timeout = Duration.ofSeconds(30);
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.slow-client-timeout=" + timeout.toSeconds() + "s",
                "crewstream.sse.client-queue-size=1000");
        try (SseTestClient fast = this.gateway.events(); Socket stuck = neverReadingClient()) {
            await().atMost(WAIT).until(() -> !fast.events().isEmpty() && this.gateway.registeredClients() == 2);

            // About 12 MB: far more than the socket buffers between the gateway and the stuck client hold.
            int sessions = 300;
            String padding = "x".repeat(40_000);
            for (int i = 0; i < sessions; i++) {
                this.tables.upsert("home", TableTopics.row("agent:a" + i + ":main", i, "padding", padding),
                        ChangeType.CREATED, 1);
            }

            // Everything reaches the fast client while the stuck one is still connected: it held nothing back.
            await().atMost(WAIT).until(() -> fast.events(SseEventType.SESSION_CREATED).size() == sessions);
            assertThat(this.gateway.counter(StreamMetrics.SLOW_DISCONNECTS)).as("the stuck client, not yet")
                    .isZero();
            assertThat(this.gateway.registeredClients()).isEqualTo(2);

            // Then the stuck one is closed, once its socket has refused data for the timeout.
            await().atMost(timeout.plus(WAIT)).until(() -> this.gateway.counter(StreamMetrics.SLOW_DISCONNECTS) == 1
                    && this.gateway.registeredClients() == 1);
            assertThat(fast.ended()).isFalse();
        }
    }

    private Socket neverReadingClient() throws IOException {
        Socket socket = new Socket();
        // A small window so that the server's writes back up quickly.
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("localhost", this.gateway.port()));
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    @Test
    void clientThatFallsBehindGetsTheLatestStateOfASessionNotEveryIntermediateOne(KafkaBroker broker)
            throws IOException {
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.slow-client-timeout=60s");
        try (RawSseConnection behind = RawSseConnection.open(this.gateway.port(), "/api/events", 4096)) {
            behind.readUntil(parser -> !parser.events().isEmpty(), WAIT);

            // About 10 MB for one session: the socket backs up while the changes keep coming.
            int changes = 200;
            String padding = "x".repeat(50_000);
            for (int i = 0; i < changes; i++) {
                this.tables.upsert("home", TableTopics.row("agent:busy:main", i, "padding", padding),
                        i == 0 ? ChangeType.CREATED : ChangeType.UPDATED, i + 1);
            }
            await().atMost(WAIT).until(() -> this.gateway.counter(StreamMetrics.CONFLATIONS) > 0);

            behind.readUntil(parser -> parser.events().stream()
                    .anyMatch(event -> event.data().contains("\"updatedAt\":" + (changes - 1) + ",")), WAIT);
            List<SseParser.Event> busy = behind.parser().events().stream()
                    .filter(event -> event.data().contains("agent:busy:main")).toList();
            assertThat(busy.size()).as("conflated").isLessThan(changes);
            assertThat(busy.get(0).is(SseEventType.SESSION_CREATED)).as("the client never had the row").isTrue();
            assertThat(busy.subList(1, busy.size())).allSatisfy(
                    event -> assertThat(event.is(SseEventType.SESSION_UPDATED)).isTrue());
            assertThat(busy.get(busy.size() - 1).json().get("updatedAt").asLong()).isEqualTo(changes - 1);
            assertThat(this.gateway.counter(StreamMetrics.SLOW_DISCONNECTS)).isZero();
        }
    }

    @Test
    void clientThatFallsFurtherBehindThanItsQueueGetsTheWholeStateInsteadOfBeingDisconnected(KafkaBroker broker)
            throws IOException {
        int queueSize = 8;
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.client-queue-size=" + queueSize, "crewstream.sse.slow-client-timeout=60s");
        try (RawSseConnection behind = RawSseConnection.open(this.gateway.port(), "/api/events", 4096)) {
            behind.readUntil(parser -> !parser.events().isEmpty(), WAIT);

            // A burst of distinct sessions, about 5 MB: far more than the queue and the socket buffers hold.
            int sessions = 100;
            String padding = "x".repeat(50_000);
            for (int i = 0; i < sessions; i++) {
                this.tables.upsert("home", TableTopics.row("agent:burst" + i + ":main", i, "padding", padding),
                        ChangeType.CREATED, 1);
            }
            await().atMost(WAIT).until(() -> this.gateway.counter(StreamMetrics.OVERFLOW_REFRESHES) > 0);

            behind.readUntil(parser -> sessionsShown(parser).size() == sessions, WAIT);
            assertThat(behind.parser().events(SseEventType.SESSIONS_REFRESH)).as("the first one and the catch-up")
                    .hasSizeGreaterThanOrEqualTo(2);
            assertThat(this.gateway.counter(StreamMetrics.SLOW_DISCONNECTS)).isZero();
            assertThat(this.gateway.registeredClients()).isEqualTo(1);

            // Caught up: live events flow again on the same stream.
            this.tables.created("home", "agent:after:main");
            behind.readUntil(parser -> parser.events(SseEventType.SESSION_CREATED).stream()
                    .anyMatch(event -> event.json().get("key").asString().equals("agent:after:main")), WAIT);
        }
    }

    /** What a dashboard shows: the last refresh's sessions plus those created since. */
    private static Set<String> sessionsShown(SseParser parser) {
        List<SseParser.Event> events = parser.events();
        int lastRefresh = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).is(SseEventType.SESSIONS_REFRESH)) {
                lastRefresh = i;
            }
        }
        Set<String> shown = new HashSet<>();
        if (lastRefresh < 0) {
            return shown;
        }
        events.get(lastRefresh).json().get("sessions").forEach(session -> shown.add(session.get("key").asString()));
        events.subList(lastRefresh + 1, events.size()).stream()
                .filter(event -> event.is(SseEventType.SESSION_CREATED) || event.is(SseEventType.SESSION_UPDATED))
                .forEach(event -> shown.add(event.json().get("key").asString()));
        return shown;
    }

    @Test
    void aSilentStreamGetsHeartbeatsAndStaysOpen(KafkaBroker broker) {
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.heartbeat=200ms");
        try (SseTestClient idle = this.gateway.events()) {
            await().atMost(WAIT).until(() -> idle.comments().stream().filter(comment -> comment.contains("heartbeat")).count() >= 3);
            assertThat(idle.ended()).isFalse();
            assertThat(this.gateway.registeredClients()).isEqualTo(1);
        }
    }

    @Test
    void resumingClientWithABacklogNearTheQueueSizeIsNotDisconnectedByTheLiveEventsThatFollow(KafkaBroker broker)
            throws IOException {
        int queueSize = 32;
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.client-queue-size=" + queueSize, "crewstream.sse.slow-client-timeout=60s");
        String token;
        try (SseTestClient before = this.gateway.events()) {
            await().atMost(WAIT).until(() -> !before.events().isEmpty());
            token = before.lastEventId();
        }
        // Missed while away: almost a queue's worth of rows, about 12 MB, far more than the socket buffers between
        // the gateway and a client that reads slowly hold, so most of them stay queued.
        int missed = queueSize - 1;
        String padding = "x".repeat(400_000);
        for (int i = 0; i < missed; i++) {
            this.tables.upsert("home", TableTopics.row("agent:missed" + i + ":main", i, "padding", padding),
                    ChangeType.CREATED, 1);
        }
        await().atMost(WAIT).until(() -> this.gateway.getJson("/api/sessions").get("sessions").size() == missed);

        try (RawSseConnection resumed = RawSseConnection.open(this.gateway.port(),
                "/api/events?lastEventId=" + token, 4096)) {
            resumed.readUntil(parser -> parser.retry() != null, WAIT);
            // Fewer live events than half the queue: a client that gets them while still reading what it missed is
            // not slow.
            List<String> live = IntStream.range(0, queueSize / 2 - 4).mapToObj(i -> "agent:live" + i + ":main")
                    .toList();
            live.forEach(key -> this.tables.created("home", key));
            await().atMost(WAIT).until(() -> this.gateway.getJson("/api/sessions").get("sessions").size()
                    == missed + live.size());

            resumed.readUntil(parser -> parser.events(SseEventType.SESSION_CREATED).stream()
                    .map(event -> event.json().get("key").asString()).toList().containsAll(live), WAIT);
            assertThat(resumed.parser().events().get(0).is(SseEventType.SESSIONS_REFRESH))
                    .as("a backlog that does not fit in half the queue is sent as a refresh").isTrue();
            assertThat(this.gateway.counter(StreamMetrics.SLOW_DISCONNECTS)).isZero();
        }
    }
}
