package io.crewstream.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.ActivityClients;
import io.crewstream.bench.client.ActivityLedger;
import io.crewstream.bench.client.ActivityTally;
import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.bench.client.SessionView;
import io.crewstream.bench.load.TopicTap;
import io.crewstream.bench.report.Histograms;
import io.crewstream.bench.report.Machine;
import io.crewstream.bench.report.Report;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.ActivityState;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.node.ObjectNode;

/**
 * Agent-activity latency (issue #15): the whole pipeline, {@code clients} SSE streams, and the simulator emitting
 * run activity ({@code tool-rate} tool calls per second over {@code activity-sessions} sessions, {@link
 * ActivityRunDriver}) while, on other sessions of the same gateway, plain session changes go at {@code rate} per
 * second as in the end-to-end scenario. Every activity transition is timed from the harness's stamp just before the
 * simulator call that emitted it to its arrival at each client, per state, with the transitions a client never showed
 * because a later one replaced it (conflation) counted apart; the plain changes are timed by the same clients, so the
 * ratio between the two comes from one run.
 */
public final class ActivityScenario implements Scenario {

    private static final String ACTIVITY_PREFIX = "agent:main:activity-";

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int clients = options.integer("clients", 100);
        int toolRate = options.integer("tool-rate", 20);
        int activitySessions = options.integer("activity-sessions", 20);
        int rate = options.integer("rate", 20);
        int sessions = options.integer("sessions", 20);
        int seconds = options.integer("seconds", 60);
        int rowBytes = options.integer("row-bytes", 2000);
        Report report = new Report(options.text("name", "activity"), options.asMap());
        List<String> activityKeys = new ArrayList<>();
        for (int i = 0; i < activitySessions; i++) {
            activityKeys.add(ACTIVITY_PREFIX + i);
        }
        try (Pipeline pipeline = Pipeline.create(context)) {
            pipeline.seed(sessions, rowBytes);
            activityKeys.forEach(key -> pipeline.seed(key, "activity " + key, rowBytes));
            pipeline.start(context, options.text("gateway-heap", "1g"));
            SessionView view = SessionView.open(pipeline.events());
            Duration synced = Pipeline.await(() -> view.size() >= sessions + activitySessions, Duration.ofMinutes(3));
            report.note("pipeline ready in " + pipeline.startup().toMillis() + " ms; " + (sessions + activitySessions)
                    + " sessions visible " + synced.toMillis() + " ms later");
            ActivityLedger ledger = new ActivityLedger();
            ActivityTally tally = new ActivityTally();
            try (ActivityClients streams = ActivityClients.open(pipeline.events(), clients, ledger, tally,
                    ACTIVITY_PREFIX)) {
                Pipeline.await(() -> streams.refreshed() >= clients, Duration.ofMinutes(3));
                report.note("connected " + streams.refreshed() + " streams (in the harness JVM, a reader thread each)");
                ActivityRunDriver driver = new ActivityRunDriver(pipeline.simulator().runs(), ledger, activityKeys,
                        toolRate);
                TopicTap projected = new TopicTap(context.broker().bootstrapServers(),
                        pipeline.namespace().name(Topic.SESSION_STATE), true);
                projected.start();
                driver.start();
                pipeline.changeRoundRobin(sessions, rate, options.integer("warmup", 10), 0);
                String loadAtStart = Machine.loadAverage();
                int runsBefore = driver.runs();
                int toolCallsBefore = driver.toolCalls();
                int starvedBefore = driver.startsWithoutFreeSession();
                long windowStart = BenchTimestamps.nowMicros();
                ledger.openWindow(windowStart);
                tally.startPlain(windowStart);
                projected.record();
                CpuWindow services = new CpuWindow(pipeline.servicePids());
                CpuWindow harness = new CpuWindow(List.of(ProcessHandle.current().pid()));
                long changes = pipeline.changeRoundRobin(sessions, rate, seconds, 1_000_000);
                ledger.closeWindow(BenchTimestamps.nowMicros());
                int runs = driver.runs() - runsBefore;
                int toolCalls = driver.toolCalls() - toolCallsBefore;
                int starved = driver.startsWithoutFreeSession() - starvedBefore;
                double servicesPercent = services.percentOfOneCore();
                double harnessPercent = harness.percentOfOneCore();
                String loadAtEnd = Machine.loadAverage();
                driver.stop();
                // Drain: whatever has not arrived 30 s after the last emission counts as not seen / not delivered.
                long drainStart = System.nanoTime();
                while ((total(streams.unseen(activityKeys)) > 0 || tally.plainDeliveries() < changes * clients)
                        && System.nanoTime() - drainStart < 30_000_000_000L) {
                    Thread.sleep(100);
                }
                report.note("drained in " + (System.nanoTime() - drainStart) / 1_000_000 + " ms (at most 30 s)");
                Histogram projectedMicros = projected.stop();
                report.figure("stage: session change -> session-state committed (projector), p50 / p99",
                        Histograms.millis(projectedMicros.getValueAtPercentile(50)) + " / "
                                + Histograms.millis(projectedMicros.getValueAtPercentile(99)) + " ms ("
                                + projectedMicros.getTotalCount() + " records)", "-", null);
                Histograms.summarizeMicrosAsMillis(projectedMicros, report.details().putObject("stageSessionState"));
                report(report, streams, ledger, tally, activityKeys, clients, changes);
                report.figure("offered: tool calls/s (runs/s) in the window",
                        String.format("%.1f (%.1f)", toolCalls / (double) seconds, runs / (double) seconds),
                        toolRate + " tool calls/s", starved == 0);
                report.figure("run starts due while every activity session was busy", String.valueOf(starved), "0",
                        starved == 0);
                report.figure("streams closed during the run", String.valueOf(streams.closed()), "0",
                        streams.closed() == 0);
                report.figure("services CPU (ingestor+projector+gateway)", servicesPercent + " % of a core", "-",
                        null);
                report.figure("harness CPU (broker, simulator, clients)", harnessPercent + " % of a core", "-", null);
                report.figure("load average (1/5/15 min) window start -> end", loadAtStart + " -> " + loadAtEnd, "-",
                        null);
                ObjectNode details = report.details();
                details.put("loadAverageWindowStart", loadAtStart);
                details.put("loadAverageWindowEnd", loadAtEnd);
                details.put("runs", runs);
                details.put("toolCalls", toolCalls);
                details.put("plainChanges", changes);
                pipeline.memory(details.putObject("memory"));
            }
        }
        report.save(context.results());
    }

    private static void report(Report report, ActivityClients streams, ActivityLedger ledger, ActivityTally tally,
            List<String> activityKeys, int clients, long changes) {
        Map<String, Histogram> byState = tally.latencyByState();
        Map<String, Long> emitted = ledger.measuredByState();
        Map<String, Long> seen = tally.seenByState();
        Map<String, Long> skipped = tally.skippedByState();
        Map<String, Long> unseen = new TreeMap<>(streams.unseen(activityKeys));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "transition", "emitted", "x clients", "seen", "skipped (conflated)", "not seen",
                "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms" });
        ObjectNode perState = report.details().putObject("perState");
        for (ActivityState state : ActivityState.values()) {
            String name = state.wireName();
            Histogram h = byState.getOrDefault(name, new Histogram(3));
            long expected = emitted.getOrDefault(name, 0L) * clients;
            rows.add(new String[] { name, String.valueOf(emitted.getOrDefault(name, 0L)), String.valueOf(expected),
                    String.valueOf(seen.getOrDefault(name, 0L)), String.valueOf(skipped.getOrDefault(name, 0L)),
                    String.valueOf(unseen.getOrDefault(name, 0L)), ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9),
                    String.valueOf(Histograms.millis(h.getMaxValue())) });
            ObjectNode node = perState.putObject(name);
            node.put("emitted", emitted.getOrDefault(name, 0L));
            node.put("seen", seen.getOrDefault(name, 0L));
            node.put("skipped", skipped.getOrDefault(name, 0L));
            node.put("notSeen", unseen.getOrDefault(name, 0L));
            Histograms.summarizeMicrosAsMillis(h, node.putObject("latency"));
            node.put("histogram", Histograms.encode(h));
        }
        report.table(rows);
        Histogram activity = tally.allActivity();
        Histogram plain = tally.plain();
        Histogram since = tally.sinceBased();
        double a50 = Histograms.millis(activity.getValueAtPercentile(50));
        double a99 = Histograms.millis(activity.getValueAtPercentile(99));
        double p50 = Histograms.millis(plain.getValueAtPercentile(50));
        double p99 = Histograms.millis(plain.getValueAtPercentile(99));
        report.figure("activity transition p50", a50 + " ms", "<= 15 ms", a50 <= 15);
        report.figure("activity transition p90", ms(activity, 90) + " ms", "-", null);
        report.figure("activity transition p99", a99 + " ms", "<= 50 ms", a99 <= 50);
        report.figure("activity transition p99.9", ms(activity, 99.9) + " ms", "-", null);
        report.figure("session change (same run) p50 / p90 / p99 / p99.9", ms(plain, 50) + " / " + ms(plain, 90)
                + " / " + ms(plain, 99) + " / " + ms(plain, 99.9) + " ms", "<= 15 / - / <= 50 / - ms",
                p50 <= 15 && p99 <= 50);
        report.figure("activity / session change, p50", String.format("%.2fx", a50 / Math.max(0.01, p50)), "-", null);
        report.figure("activity / session change, p99", String.format("%.2fx", a99 / Math.max(0.01, p99)), "-", null);
        report.figure("activity timed from the gateway's since (ms stamp) p50 / p99",
                ms(since, 50) + " / " + ms(since, 99) + " ms", "-", null);
        long totalEmitted = total(emitted);
        long totalSeen = total(seen);
        long totalSkipped = total(skipped);
        long totalUnseen = total(unseen);
        report.figure("transitions: emitted x clients = seen + skipped + not seen",
                totalEmitted * clients + " = " + totalSeen + " + " + totalSkipped + " + " + totalUnseen, "not seen 0",
                totalUnseen == 0 && totalEmitted * clients == totalSeen + totalSkipped + totalUnseen);
        report.figure("session-updated of activity sessions with the activity unchanged / not emitted by the harness",
                tally.unchanged() + " / " + tally.unmatched(), "-", null);
        report.figure("session changes delivered / expected", tally.plainDeliveries() + " / " + changes * clients,
                "all", tally.plainDeliveries() >= changes * clients);
        ObjectNode details = report.details();
        Histograms.summarizeMicrosAsMillis(activity, details.putObject("activityLatency"));
        Histograms.summarizeMicrosAsMillis(plain, details.putObject("sessionChangeLatency"));
        Histograms.summarizeMicrosAsMillis(since, details.putObject("activityLatencyFromSince"));
        details.put("activityHistogram", Histograms.encode(activity));
        details.put("sessionChangeHistogram", Histograms.encode(plain));
    }

    private static String ms(Histogram h, double percentile) {
        return String.valueOf(Histograms.millis(h.getValueAtPercentile(percentile)));
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
