package io.crewstream.bench.scenario;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.bench.client.SessionView;
import io.crewstream.bench.load.BenchRows;
import io.crewstream.bench.report.Report;

/**
 * Recovery: the upstream gateway restarts ({@code shutdown}, close 1012, refused for {@code downtime-ms}); while it
 * is down {@code changed} sessions change and {@code removed} are deleted, which no event announces. Timed from the
 * gateway listening again until a connected client shows exactly the new truth.
 */
public final class RecoveryScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int sessions = options.integer("sessions", 1000);
        int changed = options.integer("changed", 100);
        int removed = options.integer("removed", 10);
        int downtimeMs = options.integer("downtime-ms", 2000);
        int rounds = options.integer("rounds", 3);
        Report report = new Report(options.text("name", "recovery"), options.asMap());
        try (Pipeline pipeline = Pipeline.create(context)) {
            pipeline.seed(sessions, options.integer("row-bytes", 2000));
            pipeline.start(context, options.text("gateway-heap", "512m"));
            SessionView view = SessionView.open(pipeline.events());
            Pipeline.await(() -> view.size() >= sessions, Duration.ofMinutes(3));
            double worst = 0;
            StringBuilder all = new StringBuilder();
            StringBuilder reconnects = new StringBuilder();
            int live = sessions;
            int next = 0;
            for (int round = 0; round < rounds; round++) {
                CompletableFuture<Void> back = pipeline.simulator().faults().restart(Duration.ofMillis(downtimeMs));
                long[] stamps = new long[changed];
                int firstChanged = next;
                for (int i = 0; i < changed; i++) {
                    stamps[i] = pipeline.change(BenchRows.key(next + i), 10_000L * (round + 1) + i);
                }
                int firstRemoved = next + changed;
                for (int i = 0; i < removed; i++) {
                    pipeline.simulator().sessions().delete(BenchRows.key(firstRemoved + i));
                }
                next += changed + removed;
                live -= removed;
                int expectedSize = live;
                back.join();
                long up = System.nanoTime();
                Duration reconnect = Pipeline.await(() -> pipeline.simulator().authenticatedConnections() > 0,
                        Duration.ofMinutes(2));
                reconnects.append(String.format("%.2f ", reconnect.toMillis() / 1000.0));
                Pipeline.await(() -> view.shows(map -> {
                    if (map.size() != expectedSize) {
                        return false;
                    }
                    for (int i = 0; i < changed; i++) {
                        var row = map.get(BenchRows.key(firstChanged + i));
                        if (row == null || row.path(BenchTimestamps.FIELD).asLong() != stamps[i]) {
                            return false;
                        }
                    }
                    for (int i = 0; i < removed; i++) {
                        if (map.containsKey(BenchRows.key(firstRemoved + i))) {
                            return false;
                        }
                    }
                    return true;
                }), Duration.ofMinutes(2));
                double seconds = (System.nanoTime() - up) / 1e9;
                worst = Math.max(worst, seconds);
                all.append(String.format("%.2f ", seconds));
            }
            report.figure("upstream back -> client shows the truth (worst of " + rounds + ")",
                    String.format("%.2f s", worst), "<= 2 s", worst <= 2);
            report.figure("each round", all.toString().trim() + " s", "-", null);
            report.figure("of which: upstream back -> ingestor authenticated (reconnect backoff)",
                    reconnects.toString().trim() + " s", "-", null);
            report.details().put("sessions", sessions);
            report.details().put("changedWhileDown", changed);
            report.details().put("removedWhileDown", removed);
            report.details().put("downtimeMs", downtimeMs);
        }
        report.save(context.results());
    }
}
