package io.crewstream.bench.scenario;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.SseLoad;
import io.crewstream.bench.load.TableWriter;
import io.crewstream.bench.report.Report;
import io.crewstream.schemas.TopicNamespace;
import org.HdrHistogram.Histogram;

/**
 * Initial load: a table of {@code sessions} rows; a new client's {@code GET /api/sessions} and a new stream's
 * {@code sessions-refresh}, timed by the client (loopback, so an upper bound of the server's time). The server's own
 * timing came from Tomcat's access log until the gateway moved to Reactor Netty (issue #19); not measured since.
 */
public final class InitialLoadScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int sessions = options.integer("sessions", 10_000);
        int repeats = options.integer("repeats", 30);
        Report report = new Report(options.text("name", "initial-load"), options.asMap());
        TopicNamespace namespace = context.namespace("bench-initial");
        TableWriter.createTopics(context.broker(), namespace);
        try (TableWriter writer = new TableWriter(context.broker().bootstrapServers(), namespace,
                options.integer("row-bytes", 2000))) {
            writer.seed(sessions);
        }
        try (GatewayUnderTest gateway = GatewayUnderTest.start(context, namespace.prefix(),
                options.text("gateway-heap", "1g"))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            SseLoad streams = new SseLoad(1);
            URI sessionsUri = gateway.uri("/api/sessions");
            Histogram restMicros = new Histogram(3);
            Histogram refreshMicros = new Histogram(3);
            long restBytes = 0;
            long refreshBytes = 0;
            int seen = 0;
            for (int i = 0; i < repeats + 5; i++) {
                long start = System.nanoTime();
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(sessionsUri).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                long micros = (System.nanoTime() - start) / 1000;
                restBytes = response.body().length;
                seen = countKeys(response.body());
                if (i >= 5) {
                    restMicros.recordValue(micros);
                }
                long refresh = timeRefresh(streams, gateway.events());
                // The refresh's data is the very JSON GET /api/sessions answers (both come from RefreshCache).
                refreshBytes = restBytes;
                if (i >= 5) {
                    refreshMicros.recordValue(refresh);
                }
            }
            double restP50 = restMicros.getValueAtPercentile(50) / 1000.0;
            report.figure("GET /api/sessions, " + seen + " sessions, client p50", restP50 + " ms", "<= 100 ms",
                    restP50 <= 100);
            report.figure("GET /api/sessions client p99 / max", restMicros.getValueAtPercentile(99) / 1000.0
                    + " / " + restMicros.getMaxValue() / 1000.0 + " ms", "-", null);
            report.figure("GET /api/sessions bytes", String.valueOf(restBytes), "-", null);
            double refreshP50 = refreshMicros.getValueAtPercentile(50) / 1000.0;
            report.figure("new stream: sessions-refresh received, p50", refreshP50 + " ms", "<= 100 ms",
                    refreshP50 <= 100);
            report.figure("new stream: sessions-refresh p99 / max", refreshMicros.getValueAtPercentile(99) / 1000.0
                    + " / " + refreshMicros.getMaxValue() / 1000.0 + " ms", "-", null);
            report.figure("sessions-refresh bytes (data)", String.valueOf(refreshBytes), "-", null);
            report.details().put("sessions", sessions);
            report.details().put("repeats", repeats);
            report.details().put("gatewayRssKb", gateway.rssKb());
            streams.close();
        }
        report.save(context.results());
    }

    private static int countKeys(byte[] body) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        int count = 0;
        for (int at = text.indexOf("\"sessionId\""); at >= 0; at = text.indexOf("\"sessionId\"", at + 1)) {
            count++;
        }
        return count;
    }

    /**
     * Opens one more stream and returns the µs until its {@code sessions-refresh} was complete, read as bytes by the
     * load client's scanner (a line decoder building a 20 MB String would time the harness, not the gateway).
     */
    private static long timeRefresh(SseLoad streams, URI events) throws InterruptedException {
        int before = streams.refreshed();
        long start = System.nanoTime();
        streams.open(events, 1, 1, Duration.ofSeconds(30));
        long micros = (System.nanoTime() - start) / 1000;
        if (streams.refreshed() != before + 1) {
            throw new IllegalStateException("the stream got no sessions-refresh within 30 s");
        }
        return micros;
    }
}
