package io.crewstream.bench.scenario;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.bench.client.SseLoad;
import io.crewstream.bench.load.TableWriter;
import io.crewstream.bench.report.Histograms;
import io.crewstream.bench.report.Report;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.serde.ContractJson;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * CrewHub's baseline: a client that polls {@code GET /api/sessions} every 5 s (what CrewHub's backend does against
 * the gateway) and notes how late it sees each change, next to one SSE stream of the same gateway. Changes hit a few
 * sessions at random moments, so some are overwritten before any poll sees them: for the poller those are never
 * seen (an infinite latency), for the stream they arrive like any other.
 */
public final class PollBaselineScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int seconds = options.integer("seconds", 60);
        int pollSeconds = options.integer("poll-seconds", 5);
        int sessions = options.integer("sessions", 5);
        Report report = new Report(options.text("name", "poll-baseline"), options.asMap());
        TopicNamespace namespace = context.namespace("bench-poll");
        TableWriter.createTopics(context.broker(), namespace);
        Histogram pollMicros = new Histogram(3);
        Set<Long> seenByPoll = new HashSet<>();
        try (TableWriter writer = new TableWriter(context.broker().bootstrapServers(), namespace, 1000);
                GatewayUnderTest gateway = GatewayUnderTest.start(context, namespace.prefix(), "256m");
                SseLoad stream = new SseLoad(1)) {
            writer.seed(sessions);
            stream.open(gateway.events(), 1, 1, Duration.ofSeconds(30));
            stream.startMeasuring();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = gateway.uri("/api/sessions");
            ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
            poller.scheduleAtFixedRate(() -> poll(http, uri, pollMicros, seenByPoll), pollSeconds, pollSeconds,
                    TimeUnit.SECONDS);
            Random random = new Random(42);
            long written = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                // Mean one change a second, at moments that bear no relation to the poll period.
                Thread.sleep(200 + random.nextInt(1600));
                writer.update(random.nextInt(sessions), 2 + written);
                written++;
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(pollSeconds) + 500);
            poller.shutdownNow();
            SseLoad.Measurement pushed = stream.stopMeasuring();
            long missed = written - pollMicros.getTotalCount();
            double pollP50 = pollMicros.getValueAtPercentile(50) / 1e6;
            report.figure("poll every " + pollSeconds + " s: delay p50", String.format("%.2f s", pollP50),
                    "~2.5 s (baseline)", null);
            report.figure("poll: delay p99 / max", String.format("%.2f / %.2f s",
                    pollMicros.getValueAtPercentile(99) / 1e6, pollMicros.getMaxValue() / 1e6), "-", null);
            report.figure("poll: changes never seen", missed + " of " + written, "0", missed == 0);
            report.figure("SSE stream: delay p50 / p99", Histograms.millis(
                    pushed.latencyMicros().getValueAtPercentile(50)) + " / "
                    + Histograms.millis(pushed.latencyMicros().getValueAtPercentile(99)) + " ms", "-", null);
            long timed = pushed.latencyMicros().getTotalCount();
            report.figure("SSE stream: changes received", timed + " of " + written, "all", timed >= written);
            Histograms.summarizeMicrosAsMillis(pollMicros, report.details().putObject("pollLatency"));
            Histograms.summarizeMicrosAsMillis(pushed.latencyMicros(), report.details().putObject("sseLatency"));
        }
        report.save(context.results());
    }

    /** One poll: every stamp not seen before is a change seen now, as late as now minus its send time. */
    private static void poll(HttpClient http, URI uri, Histogram delays, Set<Long> seen) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            long now = BenchTimestamps.nowMicros();
            JsonNode body = ContractJson.mapper().readTree(response.body());
            for (JsonNode session : body.get("sessions")) {
                JsonNode stamp = session.get(BenchTimestamps.FIELD);
                if (stamp != null && seen.add(stamp.asLong())) {
                    delays.recordValue(Math.max(0, now - stamp.asLong()));
                }
            }
        }
        catch (Exception ex) {
            System.out.println("[bench] poll failed: " + ex);
        }
    }
}
