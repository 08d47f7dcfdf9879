package io.crewstream.ssegateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.ssegateway.stream.StreamMetrics;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.RawHttp;
import io.crewstream.ssegateway.support.RawSseConnection;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No request that has ended leaves anything behind: no registered client (issue #20: HEAD requests leaked a stream
 * each, for ever), no open channel, no buffer (Netty's leak detector runs at {@code paranoid} here), and a client
 * that closes its socket is released at once, not at the next heartbeat (issue #19).
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamReleaseTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TableTopics tables;

    private GatewayApp gateway;

    /** Everything Netty's leak detector reports while this class runs. */
    private final ListAppender<ILoggingEvent> leaks = new ListAppender<>();

    @BeforeAll
    void start(KafkaBroker broker) {
        // Every buffer tracked, from the gateway's start on; a leak is reported when a later allocation finds it.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        this.leaks.start();
        detector.addAppender(this.leaks);
        this.tables = TableTopics.create(broker, "sse-release");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.created("home", "agent:main:main");
        // No heartbeat during a test: a release must not wait for one to fail on a closed socket.
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.heartbeat=10m");
        await().atMost(WAIT).until(() -> this.gateway.get("/actuator/health/readiness").statusCode() == 200);
    }

    @AfterAll
    void stop() {
        this.gateway.close();
        this.tables.close();
        ((Logger) LoggerFactory.getLogger(ResourceLeakDetector.class)).detachAppender(this.leaks);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
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
        // Nothing to wait for: a HEAD never registers. Checked at once, and again a second later.
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
    void streamsWhoseClientsCloseTheirSocketAreReleasedWithinASecond() throws IOException {
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
        // The channel's close is the signal; no heartbeat runs during this test.
        await().atMost(Duration.ofSeconds(1)).until(() -> this.gateway.registeredClients() == 0);
        assertThat(clientsGauge()).isZero();
    }

    @Test
    void aThousandConnectDisconnectCyclesLeaveNoClientChannelOrBufferBehind() throws IOException {
        long openFilesBefore = openFiles();
        for (int i = 0; i < 1_000; i++) {
            try (RawSseConnection connection = RawSseConnection.open(this.gateway.port(), "/api/events", 8 * 1024)) {
                connection.readUntil(parser -> !parser.events().isEmpty(), WAIT);
            }
        }
        // Not a timing test (the one above is): a loaded machine may take longer than a second for the last ones.
        await().atMost(WAIT).until(() -> this.gateway.registeredClients() == 0);
        assertThat(clientsGauge()).isZero();
        // Each cycle held a socket on both ends (this JVM is client and server): none is left open. A little slack
        // for what the broker and the Kafka clients open and close meanwhile.
        await().atMost(WAIT).untilAsserted(() -> assertThat(openFiles()).isLessThanOrEqualTo(openFilesBefore + 10));

        // The detector tracks the buffers Netty allocates (requests, chunk framing, answers); the events' own shared
        // buffers are checked in ClientStreamTest. It reports a leak when an allocation after its collection finds
        // it: collect, allocate.
        System.gc();
        for (int i = 0; i < 20; i++) {
            try (RawSseConnection connection = RawSseConnection.open(this.gateway.port(), "/api/events", 8 * 1024)) {
                connection.readUntil(parser -> !parser.events().isEmpty(), WAIT);
            }
        }
        assertThat(this.leaks.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(message -> message.contains("LEAK"));
    }

    private static long openFiles() {
        try (Stream<Path> files = Files.list(Path.of("/proc/self/fd"))) {
            return files.count();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
