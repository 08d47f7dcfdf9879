package io.crewstream.bench.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.crewstream.bench.client.CannedResponses.bytes;
import static io.crewstream.bench.client.CannedResponses.chunkedOpen;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(20)
class SseLoadTest {

    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private static final String REFRESH = "event: sessions-refresh\ndata: {\"sessions\":[]}\n\n";

    @Test
    void openCountsTheRefreshAndTimesAStampedSessionEvent() throws Exception {
        // The stamped event comes ahead of the refresh that open() waits for, so it is timed before open() returns.
        try (CannedSseServer server = new CannedSseServer(() -> bytes(chunkedOpen(": connected\n\n",
                "event: session-updated\ndata: {\"key\":\"a\",\"benchSentAtMicros\":" + BenchTimestamps.nowMicros()
                        + "}\n\n", REFRESH)));
                SseLoad load = new SseLoad(2)) {
            load.startMeasuring();

            load.open(server.uri("/api/events"), 1, 1, OPEN_TIMEOUT);
            SseLoad.Measurement measurement = load.stopMeasuring();

            assertThat(load.refreshed()).isEqualTo(1);
            assertThat(load.failed()).isZero();
            assertThat(measurement.deliveries()).isEqualTo(1);
            assertThat(measurement.untimedDeliveries()).isZero();
            assertThat(measurement.latencyMicros().getTotalCount()).isEqualTo(1);
            assertThat(measurement.latencyMicros().getMaxValue()).isLessThan(TimeUnit.SECONDS.toMicros(10));
        }
    }

    @Test
    void anEventSentBeforeMeasuringBeganIsAStragglerNotADelivery() throws Exception {
        // A warm-up's backlog arriving inside the window would otherwise count as more than was sent in it.
        try (CannedSseServer server = new CannedSseServer(() -> bytes(chunkedOpen(
                "event: session-updated\ndata: {\"benchSentAtMicros\":" + (BenchTimestamps.nowMicros()
                        - TimeUnit.SECONDS.toMicros(10)) + "}\n\n",
                "event: session-updated\ndata: {\"benchSentAtMicros\":" + BenchTimestamps.nowMicros() + "}\n\n",
                REFRESH)));
                SseLoad load = new SseLoad(1)) {
            load.startMeasuring();

            load.open(server.uri("/api/events"), 1, 1, OPEN_TIMEOUT);
            SseLoad.Measurement measurement = load.stopMeasuring();

            assertThat(measurement.deliveries()).isEqualTo(1);
            assertThat(measurement.stragglers()).isEqualTo(1);
            assertThat(measurement.latencyMicros().getTotalCount()).isEqualTo(1);
            assertThat(measurement.latencyMicros().getMaxValue()).isLessThan(TimeUnit.SECONDS.toMicros(10));
        }
    }

    @Test
    void sendsAPlainHttp11GetAskingForAnEventStream() throws Exception {
        try (CannedSseServer server = new CannedSseServer(() -> bytes(chunkedOpen(REFRESH)));
                SseLoad load = new SseLoad(1)) {
            load.open(server.uri("/api/events?since=v1.0"), 1, 1, OPEN_TIMEOUT);

            assertThat(server.requests().poll(5, TimeUnit.SECONDS)).isEqualTo("GET /api/events?since=v1.0 HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + server.port() + "\r\nAccept: text/event-stream\r\n\r\n");
        }
    }

    @Test
    void streamsSpreadOverSeveralSelectorThreadsAreAllRefreshed() throws Exception {
        try (CannedSseServer server = new CannedSseServer(() -> bytes(chunkedOpen(REFRESH)));
                SseLoad load = new SseLoad(3)) {
            load.open(server.uri("/api/events"), 10, 4, OPEN_TIMEOUT);

            assertThat(load.refreshed()).isEqualTo(10);
            assertThat(load.failed()).isZero();
        }
    }

    @Test
    void aStreamAnsweredWithAnErrorStatusCountsAsFailed() throws Exception {
        try (CannedSseServer server = new CannedSseServer(
                () -> bytes("HTTP/1.1 503 \r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nbusy"));
                SseLoad load = new SseLoad(1)) {
            load.open(server.uri("/api/events"), 2, 1, OPEN_TIMEOUT);

            assertThat(load.failed()).isEqualTo(2);
            assertThat(load.refreshed()).isZero();
            assertThat(load.closed()).isZero();
        }
    }

    @Test
    void aStreamThatCannotConnectCountsAsFailed() throws Exception {
        URI nobodyListening;
        try (ServerSocket closedAgain = new ServerSocket()) {
            closedAgain.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            nobodyListening = URI.create("http://127.0.0.1:" + closedAgain.getLocalPort() + "/api/events");
        }
        try (SseLoad load = new SseLoad(1)) {
            load.open(nobodyListening, 1, 1, OPEN_TIMEOUT);

            assertThat(load.failed()).isEqualTo(1);
            assertThat(load.refreshed()).isZero();
        }
    }
}
