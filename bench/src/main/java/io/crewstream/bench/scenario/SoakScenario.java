package io.crewstream.bench.scenario;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.ReconnectingClients;
import io.crewstream.bench.client.SessionView;
import io.crewstream.bench.load.ConsumerGroupLag;
import io.crewstream.bench.load.LoadClients;
import io.crewstream.bench.load.Pacer;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.report.Machine;
import io.crewstream.bench.report.Report;
import io.crewstream.bench.report.Trend;
import org.apache.kafka.clients.admin.Admin;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Soak (issue #21): the whole pipeline under steady session churn (creates, updates, deletes) for a long time, with
 * {@code clients} SSE streams of which {@code reconnecting} close and reopen continuously (every other time with
 * {@code Last-Event-ID}) and {@code views} keep a full view for the truth check. Every {@code sample-seconds}: each
 * service's heap after a full GC, threads, file descriptors and RSS, the projector's consumer-group lag and the
 * gateway's table lag. Verdict per series: flat or growing (least-squares slope over the second half after the
 * warm-up, see {@link Trend}). At the end, churn stops and every view must show exactly the simulator's sessions.
 */
public final class SoakScenario implements Scenario {

    /** Per metric: the smallest growth over the second half that counts, and the fraction of its mean that does. */
    private static final Map<String, double[]> ALLOWANCES = Map.of(
            SoakSampler.HEAP, new double[] { 8, 0.05 },
            SoakSampler.THREADS, new double[] { 3, 0.05 },
            SoakSampler.FDS, new double[] { 10, 0.05 },
            SoakSampler.RSS, new double[] { 16, 0.05 });

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int clients = options.integer("clients", 1000);
        int reconnecting = options.integer("reconnecting", 50);
        int viewCount = options.integer("views", 10);
        int steady = clients - reconnecting - viewCount;
        int rate = options.integer("rate", 50);
        int minutes = options.integer("minutes", 60);
        int sampleSeconds = options.integer("sample-seconds", 60);
        int sessions = options.integer("sessions", 200);
        int rowBytes = options.integer("row-bytes", 500);
        Duration hold = options.seconds("hold-seconds", 5);
        int warmupSeconds = options.integer("warmup-seconds", Math.min(300, minutes * 60 / 4));
        if (steady < 1 || reconnecting < 0 || viewCount < 1 || rate < 10 || minutes < 1 || sampleSeconds < 1) {
            throw new IllegalArgumentException("soak needs --clients > --reconnecting + --views, --views >= 1, "
                    + "--rate >= 10, --minutes >= 1, --sample-seconds >= 1");
        }
        Report report = new Report(options.text("name", "soak"), options.asMap());
        try (Pipeline pipeline = Pipeline.create(context)) {
            pipeline.seed(sessions, rowBytes);
            pipeline.start(context, options.text("gateway-heap", "512m"));
            List<SessionView> views = new ArrayList<>();
            for (int i = 0; i < viewCount; i++) {
                views.add(SessionView.open(pipeline.events()));
            }
            Pipeline.await(() -> views.stream().allMatch(view -> view.size() >= sessions), Duration.ofMinutes(3));
            report.note("pipeline ready in " + pipeline.startup().toMillis() + " ms");
            try (LoadClients load = LoadClients.connect(context.logs(), pipeline.events(), steady, 1,
                    options.integer("in-flight", 200), options.text("client-heap", "512m"));
                    Admin admin = Admin.create(context.broker().adminConfig());
                    ReconnectingClients cycling = ReconnectingClients.start(pipeline.events(), reconnecting, hold);
                    SoakSampler sampler = sampler(pipeline, load, admin)) {
                report.note("connected " + load.connected() + " steady streams (" + load.failed() + " failed), "
                        + viewCount + " views, " + reconnecting + " reconnecting clients (hold "
                        + hold.toSeconds() + " s)");
                load.start();
                SessionChurn churn = new SessionChurn(pipeline, sessions, rowBytes);
                AtomicBoolean churning = new AtomicBoolean(true);
                Thread driver = new Thread(() -> Pacer.run(rate, churning::get, churn::step), "bench-churn");
                driver.start();
                long start = System.nanoTime();
                sampleUntil(sampler, cycling, start, Duration.ofMinutes(minutes), Duration.ofSeconds(sampleSeconds));
                churning.set(false);
                driver.join();
                double churnSeconds = (System.nanoTime() - start) / 1e9;
                cycling.stopCycling();
                check(report, pipeline, load, cycling, views, churn, churnSeconds);
                boolean allFlat = verdicts(report, sampler, warmupSeconds, rate);
                report.figure("every series of the services flat", allFlat ? "yes" : "no", "yes", allFlat);
                series(report, sampler);
                report.details().put("warmupSeconds", warmupSeconds);
                report.details().put("steadyStreams", load.connected());
            }
        }
        report.save(context.results());
    }

    private static SoakSampler sampler(Pipeline pipeline, LoadClients load, Admin admin) {
        Map<String, Long> jvms = new LinkedHashMap<>();
        pipeline.processes().forEach(process -> jvms.put(process.name(), process.pid()));
        jvms.put("sse-gateway", pipeline.gatewayPid());
        Map<String, Long> others = new LinkedHashMap<>();
        others.put("harness (broker, simulator, views)", ProcessHandle.current().pid());
        for (JavaProcess process : load.processes()) {
            others.put(process.name(), process.pid());
        }
        String group = pipeline.namespace().prefix() + "projector";
        Map<String, LongSupplier> lags = new LinkedHashMap<>();
        lags.put("projector", () -> ConsumerGroupLag.of(admin, group));
        URI gatewayLag = pipeline.gateway().uri("/actuator/metrics/crewstream.sse.table.lag");
        lags.put("sse-gateway", () -> SoakSampler.gatewayTableLag(gatewayLag));
        return new SoakSampler(jvms, others, lags);
    }

    /** Samples at {@code start}, then every {@code period} until {@code duration} has passed; a late one is skipped. */
    private static void sampleUntil(SoakSampler sampler, ReconnectingClients cycling, long start, Duration duration,
            Duration period) throws InterruptedException {
        long end = start + duration.toNanos();
        for (long k = 0;; k++) {
            long due = start + period.toNanos() * k;
            if (due - end > 0) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            else if (k > 0 && -wait > period.toNanos()) {
                continue;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            sampler.sample(seconds);
            System.out.println("[bench] sample at " + Math.round(seconds) + " s (took "
                    + Math.round((System.nanoTime() - start) / 1e9 - seconds) + " s): load " + Machine.loadAverage()
                    + ", reconnects " + cycling.opens());
        }
    }

    /** Once the churn has stopped: every view must show exactly the simulator's sessions; and the clients' counts. */
    private static void check(Report report, Pipeline pipeline, LoadClients load, ReconnectingClients cycling,
            List<SessionView> views, SessionChurn churn, double churnSeconds) {
        Map<String, Long> truth = pipeline.truth();
        List<SessionView> cyclingViews = cycling.views();
        long settling = System.nanoTime();
        boolean converged = awaitQuietly(() -> agree(views, truth) == views.size()
                && agree(cyclingViews, truth) == cyclingViews.size(), Duration.ofMinutes(2));
        double settledSeconds = (System.nanoTime() - settling) / 1e9;
        int steadyAgree = agree(views, truth);
        int cyclingAgree = agree(cyclingViews, truth);
        LoadClients.Merged merged = load.stop();
        int viewReconnects = views.stream().mapToInt(SessionView::reconnects).sum();
        String settled = converged ? String.format("%.1f s after churn stopped", settledSeconds) : "NOT within 2 min";
        report.figure("views (never reconnecting) equal the simulator's " + truth.size() + " sessions",
                steadyAgree + " / " + views.size() + ", " + settled, "all", steadyAgree == views.size());
        report.figure("reconnecting clients' views (kept across every reconnect) equal them",
                cyclingAgree + " / " + cyclingViews.size(), "all", cyclingAgree == cyclingViews.size());
        report.figure("steady streams closed by the gateway / view reconnects",
                merged.closedStreams() + " / " + viewReconnects, "0 / 0",
                merged.closedStreams() == 0 && viewReconnects == 0);
        report.figure("reconnects: streams opened / with Last-Event-ID / resumed without a refresh",
                cycling.opens() + " / " + cycling.resumeAttempts() + " / " + cycling.resumedIncrementally(), "-",
                null);
        report.figure("reconnecting clients: failed opens or broken streams / ended by the gateway",
                cycling.failures() + " / " + cycling.endedByServer(), "0 / 0",
                cycling.failures() == 0 && cycling.endedByServer() == 0);
        report.figure("churn: creates / updates / deletes (" + Math.round(churnSeconds) + " s)",
                churn.creates() + " / " + churn.updates() + " / " + churn.deletes(), "-", null);
        report.figure("events delivered to the steady streams", String.valueOf(merged.deliveries()), "-", null);
        ObjectNode details = report.details();
        details.put("churnSeconds", churnSeconds);
        details.put("sessionsAtEnd", truth.size());
        details.put("reconnectOpens", cycling.opens());
        details.put("refreshesToReconnectingClients", cycling.refreshed());
        details.put("deliveriesToSteadyStreams", merged.deliveries());
        if (!converged) {
            details.put("mismatchedViews", describeMismatch(views, cyclingViews, truth));
        }
    }

    /**
     * One table per subject: the figures over time and the verdict per series; returns whether every series of the
     * services is flat (the harness and load-client processes are shown, not judged: they are not crewstream).
     */
    private static boolean verdicts(Report report, SoakSampler sampler, int warmupSeconds, int rate) {
        boolean allFlat = true;
        for (Map.Entry<String, Map<String, List<Trend.Point>>> subject : sampler.series().entrySet()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] { subject.getKey(), "after warm-up", "middle", "last", "min", "max",
                "2nd-half change", "allowed", "verdict" });
            for (Map.Entry<String, List<Trend.Point>> metric : subject.getValue().entrySet()) {
                double[] allowance = metric.getKey().equals(SoakSampler.LAG) ? new double[] { rate * 5.0, 0 }
                        : ALLOWANCES.get(metric.getKey());
                List<Trend.Point> points = metric.getValue();
                long measured = points.stream().filter(point -> point.seconds() >= warmupSeconds).count();
                if (measured < 2) {
                    rows.add(new String[] { metric.getKey(), "-", "-", "-", "-", "-", "-", "-",
                        "no data (" + points.size() + " samples)" });
                    allFlat &= !sampler.services().contains(subject.getKey());
                    continue;
                }
                Trend trend = Trend.of(points, warmupSeconds, allowance[0], allowance[1]);
                allFlat &= trend.flat() || !sampler.services().contains(subject.getKey());
                rows.add(new String[] { metric.getKey(), number(trend.afterWarmup()), number(trend.middle()),
                    number(trend.last()), number(trend.min()), number(trend.max()),
                    String.format("%+.1f", trend.secondHalfChange()), String.format("%.1f", trend.allowance()),
                    trend.verdict() });
            }
            report.table(rows);
        }
        return allFlat;
    }

    /** Every sample, in the JSON and as one table in the text. */
    private static void series(Report report, SoakSampler sampler) {
        ArrayNode json = report.details().putArray("samples");
        List<String> columns = new ArrayList<>();
        sampler.series().forEach((subject, metrics) -> metrics.keySet()
                .forEach(metric -> columns.add(subject + " " + metric)));
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("t (s)", "load average"));
        header.addAll(columns);
        rows.add(header.toArray(String[]::new));
        for (int i = 0; i < sampler.times().size(); i++) {
            double t = sampler.times().get(i);
            ObjectNode sample = json.addObject();
            sample.put("seconds", Math.round(t));
            sample.put("loadAverage", sampler.loadAverages().get(i));
            List<String> row = new ArrayList<>(List.of(String.valueOf(Math.round(t)), sampler.loadAverages().get(i)
                    .split(" ")[0]));
            sampler.series().forEach((subject, metrics) -> metrics.forEach((metric, points) -> {
                String value = points.stream().filter(point -> point.seconds() == t).map(point -> number(point.value()))
                        .findFirst().orElse("?");
                row.add(value);
                if (!value.equals("?")) {
                    sample.put(subject + " " + metric, Double.parseDouble(value));
                }
            }));
            rows.add(row.toArray(String[]::new));
        }
        report.table(rows);
    }

    private static String number(double value) {
        return (value == Math.rint(value)) ? String.valueOf((long) value) : String.format("%.1f", value);
    }

    /** How many of the views show exactly the sessions of {@code truth}, each with its latest stamp. */
    private static int agree(List<SessionView> views, Map<String, Long> truth) {
        return (int) views.stream().filter(view -> view.stamps().equals(truth)).count();
    }

    private static String describeMismatch(List<SessionView> views, List<SessionView> cyclingViews,
            Map<String, Long> truth) {
        StringBuilder out = new StringBuilder();
        List<SessionView> all = new ArrayList<>(views);
        all.addAll(cyclingViews);
        for (int i = 0; i < all.size(); i++) {
            Map<String, Long> shown = all.get(i).stamps();
            if (shown.equals(truth)) {
                continue;
            }
            long missing = truth.keySet().stream().filter(key -> !shown.containsKey(key)).count();
            long extra = shown.keySet().stream().filter(key -> !truth.containsKey(key)).count();
            long stale = truth.entrySet().stream().filter(entry -> shown.containsKey(entry.getKey())
                    && !shown.get(entry.getKey()).equals(entry.getValue())).count();
            out.append(i < views.size() ? "view " + i : "reconnecting " + (i - views.size())).append(": missing ")
                    .append(missing).append(", extra ").append(extra).append(", stale ").append(stale).append("; ");
        }
        return out.toString();
    }

    private static boolean awaitQuietly(BooleanSupplier condition, Duration timeout) {
        try {
            Pipeline.await(condition, timeout);
            return true;
        }
        catch (IllegalStateException ex) {
            return false;
        }
    }
}
