package io.crewstream.ssegateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.api.ConnectionsPerAddress;
import io.crewstream.ssegateway.security.ApiSecurityConfiguration;
import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.RawHttp;
import io.crewstream.ssegateway.support.RawSseConnection;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Half-open connections cannot starve real clients, on real sockets: a connection that trickles its request head is
 * closed at the bound however often it sends a byte, an event stream (whose head came at once) lives on past it, and
 * one address holding the most connections allowed gets its next one closed at once, counted, while its earlier ones
 * keep working.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HalfOpenConnectionsTest {

    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(2);

    private static final int LIMIT = 3;

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-half-open");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.request-head-timeout=" + HEAD_TIMEOUT.toMillis() + "ms",
                "crewstream.sse.max-connections-per-address=" + LIMIT,
                "crewstream.sse.heartbeat=500ms");
        await().atMost(WAIT).until(() -> this.gateway.bean(SessionTable.class).loaded());
    }

    @AfterAll
    void stop() {
        this.gateway.close();
        this.tables.close();
    }

    @BeforeEach
    void noConnectionLeftFromAnotherTest() {
        await().atMost(WAIT).until(() -> this.gateway.bean(ConnectionsPerAddress.class).open(LOOPBACK) == 0);
    }

    @Test
    void aConnectionTricklingItsRequestHeadIsClosedAtTheBoundWhileANormalClientIsServed() throws Exception {
        double before = rejected("request-head-timeout");
        ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
        try (Socket slow = connect()) {
            long opened = System.nanoTime();
            OutputStream out = slow.getOutputStream();
            out.write("GET /api/sessions HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // A header byte every 200 ms, ten times within the bound, and never the end of the head: a timeout that
            // each byte restarted would never fire.
            AtomicInteger trickled = new AtomicInteger();
            trickler.scheduleAtFixedRate(() -> {
                try {
                    out.write('x');
                    out.flush();
                    trickled.incrementAndGet();
                }
                catch (IOException closed) {
                    // The gateway closed it: what this test waits for.
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            CompletableFuture<Integer> firstByte = CompletableFuture.supplyAsync(() -> readOrClosed(slow));

            RawHttp.Response normal = RawHttp.send(this.gateway.port(), "GET", "/api/sessions", Map.of(),
                    Duration.ofSeconds(1));
            assertThat(normal.status()).as("a normal client meanwhile").isEqualTo(200);

            await().atMost(HEAD_TIMEOUT.plusSeconds(3)).until(firstByte::isDone);
            long elapsedMillis = (System.nanoTime() - opened) / 1_000_000;
            assertThat(firstByte.get()).as("closed without an answer").isEqualTo(-1);
            assertThat(elapsedMillis).as("not before the bound").isGreaterThanOrEqualTo(HEAD_TIMEOUT.toMillis() - 50);
            assertThat(trickled.get()).as("bytes kept coming until then").isGreaterThanOrEqualTo(5);
        }
        finally {
            trickler.shutdownNow();
        }
        await().atMost(WAIT).until(() -> rejected("request-head-timeout") == before + 1);
    }

    @Test
    void aKeptAliveConnectionThatSendsNoNextRequestIsClosedAtTheBoundAfterItsResponse() throws IOException {
        double before = rejected("request-head-timeout");
        try (Socket client = connect()) {
            client.getOutputStream().write("GET /api/gateways HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            // Each read waits at most the bound and a margin: the answer comes at once, the close at the bound.
            client.setSoTimeout((int) HEAD_TIMEOUT.plusSeconds(3).toMillis());
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[8192];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                received.write(buffer, 0, read);
            }
            assertThat(received.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        }
        await().atMost(WAIT).until(() -> rejected("request-head-timeout") == before + 1);
    }

    @Test
    void anEventStreamOpenFarLongerThanTheBoundIsNotClosed() throws IOException {
        try (RawSseConnection stream = RawSseConnection.open(this.gateway.port(), "/api/events", 64 * 1024)) {
            // A heartbeat every 500 ms: ten of them take twice the bound and more.
            stream.readUntil(parser -> parser.comments().size() >= 10, WAIT);

            this.tables.created("home", "agent:main:long-lived");

            stream.readUntil(parser -> parser.events(SseEventType.SESSION_CREATED).stream()
                    .anyMatch(event -> event.data().contains("agent:main:long-lived")), WAIT);
        }
    }

    @Test
    void connectionsOverThePerAddressLimitAreRefusedAndCountedWhileTheEarlierOnesWork() throws IOException {
        double before = rejected("connections-per-address");
        List<RawSseConnection> streams = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                RawSseConnection stream = RawSseConnection.open(this.gateway.port(), "/api/events", 64 * 1024);
                streams.add(stream);
                stream.readUntil(parser -> !parser.events().isEmpty(), WAIT);
            }

            try (Socket extra = connect()) {
                // Well within the head timeout: closed by the limit, not by a timeout that closes any silent client.
                extra.setSoTimeout((int) HEAD_TIMEOUT.toMillis() / 2);
                assertThat(readOrClosed(extra)).as("closed at once, nothing read").isEqualTo(-1);
            }
            await().atMost(WAIT).until(() -> rejected("connections-per-address") == before + 1);

            this.tables.created("home", "agent:main:after-refusal");
            for (RawSseConnection stream : streams) {
                stream.readUntil(parser -> parser.events(SseEventType.SESSION_CREATED).stream()
                        .anyMatch(event -> event.data().contains("agent:main:after-refusal")), WAIT);
            }

            streams.remove(0).close();
            await().atMost(WAIT).untilAsserted(() -> assertThat(
                    this.gateway.bean(ConnectionsPerAddress.class).open(LOOPBACK)).isEqualTo(LIMIT - 1));
            assertThat(RawHttp.send(this.gateway.port(), "GET", "/api/sessions", Map.of(), Duration.ofSeconds(1))
                    .status()).as("a place freed is a place taken").isEqualTo(200);
        }
        finally {
            for (RawSseConnection stream : streams) {
                stream.close();
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("localhost", this.gateway.port()), 5_000);
        return socket;
    }

    /** The first byte the server sends, or -1 once it has closed the connection (by FIN or by reset). */
    private static int readOrClosed(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            return in.read();
        }
        catch (SocketTimeoutException ex) {
            throw new AssertionError("the server neither answered nor closed", ex);
        }
        catch (IOException reset) {
            return -1;
        }
    }

    private double rejected(String reason) {
        return this.gateway.meters().find(ApiSecurityConfiguration.REJECTED_METRIC).tag("reason", reason).counters()
                .stream().mapToDouble(counter -> counter.count()).sum();
    }
}
