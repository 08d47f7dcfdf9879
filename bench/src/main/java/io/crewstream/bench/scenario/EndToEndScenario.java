package io.crewstream.bench.scenario;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.SessionView;
import io.crewstream.bench.load.BareKafkaHop;
import io.crewstream.bench.load.LoadClients;
import io.crewstream.bench.load.TopicTap;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.report.Histograms;
import io.crewstream.bench.report.LatencyChart;
import io.crewstream.bench.report.Machine;
import io.crewstream.bench.report.Report;
import io.crewstream.bench.report.Top;
import io.crewstream.schemas.Topic;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.node.ObjectNode;

/**
 * End-to-end latency: a session changes in the OpenClaw simulator → ingestor → Kafka → projector → Kafka → SSE
 * gateway → {@code clients} streams, timed from the change (a stamp the harness puts into the changed row) to its
 * arrival. In the same run, a bare produce → consume hop on the same broker at the same rate gives the floor, and
 * the ratio between the two. Also draws the percentile chart.
 */
public final class EndToEndScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int clients = options.integer("clients", 1000);
        int rate = options.integer("rate", 200);
        int seconds = options.integer("seconds", 60);
        int sessions = options.integer("sessions", 200);
        Report report = new Report(options.text("name", "end-to-end"), options.asMap());
        try (Pipeline pipeline = Pipeline.create(context)) {
            pipeline.seed(sessions, options.integer("row-bytes", 2000));
            pipeline.start(context, options.text("gateway-heap", "1g"));
            SessionView view = SessionView.open(pipeline.events());
            Duration synced = Pipeline.await(() -> view.size() >= sessions, Duration.ofMinutes(3));
            report.note("pipeline ready in " + pipeline.startup().toMillis() + " ms; " + sessions
                    + " sessions visible " + synced.toMillis() + " ms later");
            BareKafkaHop bare = new BareKafkaHop(context.broker(), pipeline.namespace().prefix());
            try (LoadClients load = LoadClients.connect(context.logs(), pipeline.events(), clients,
                    options.integer("processes", 1), options.integer("in-flight", 200),
                    options.text("client-heap", "1g"))) {
                report.note("connected " + load.connected() + " streams (" + load.failed() + " failed)");
                bare.start(rate);
                String bootstrap = context.broker().bootstrapServers();
                // read_committed: the ingestor writes in transactions; a record is readable downstream when it commits.
                TopicTap ingested = new TopicTap(bootstrap, pipeline.namespace().name(Topic.SESSION_EVENTS), true);
                TopicTap projected = new TopicTap(bootstrap, pipeline.namespace().name(Topic.SESSION_STATE), true);
                ingested.start();
                projected.start();
                pipeline.changeRoundRobin(sessions, rate, options.integer("warmup", 5), 0);
                bare.reset();
                ingested.record();
                projected.record();
                load.start();
                CpuWindow services = new CpuWindow(pipeline.servicePids());
                CpuWindow clientCpu = new CpuWindow(load.processes().stream().map(JavaProcess::pid).toList());
                String[] top = new String[1];
                Thread sampler = new Thread(() -> {
                    try {
                        Thread.sleep(seconds * 500L);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    top[0] = Top.snapshot();
                });
                sampler.start();
                long changes = pipeline.changeRoundRobin(sessions, rate, seconds, 1_000_000);
                sampler.join();
                Thread.sleep(3000);
                double servicesPercent = services.percentOfOneCore();
                double clientPercent = clientCpu.percentOfOneCore();
                LoadClients.Merged merged = load.stop();
                Histogram bareMicros = bare.stop();
                Histogram ingestedMicros = ingested.stop();
                Histogram projectedMicros = projected.stop();
                Histogram pipelineMicros = merged.latencyMicros();

                double p50 = Histograms.millis(pipelineMicros.getValueAtPercentile(50));
                double p90 = Histograms.millis(pipelineMicros.getValueAtPercentile(90));
                double p99 = Histograms.millis(pipelineMicros.getValueAtPercentile(99));
                double p999 = Histograms.millis(pipelineMicros.getValueAtPercentile(99.9));
                double bareP50 = Histograms.millis(bareMicros.getValueAtPercentile(50));
                double bareP99 = Histograms.millis(bareMicros.getValueAtPercentile(99));
                double ratio50 = p50 / Math.max(0.01, bareP50);
                double ratio99 = p99 / Math.max(0.01, bareP99);
                report.figure("end-to-end p50", p50 + " ms", "<= 15 ms", p50 <= 15);
                report.figure("end-to-end p90", p90 + " ms", "-", null);
                report.figure("end-to-end p99", p99 + " ms", "<= 50 ms", p99 <= 50);
                report.figure("end-to-end p99.9", p999 + " ms", "-", null);
                report.figure("bare Kafka hop p50 / p99", bareP50 + " / " + bareP99 + " ms", "-", null);
                report.figure("pipeline / bare, p50", String.format("%.1fx", ratio50), "<= 5x", ratio50 <= 5);
                report.figure("pipeline / bare, p99", String.format("%.1fx", ratio99), "<= 5x", ratio99 <= 5);
                report.figure("stage: change -> session-events readable (ingestor), p50 / p99",
                        Histograms.millis(ingestedMicros.getValueAtPercentile(50)) + " / "
                                + Histograms.millis(ingestedMicros.getValueAtPercentile(99)) + " ms", "-", null);
                report.figure("stage: change -> session-state committed (projector), p50 / p99",
                        Histograms.millis(projectedMicros.getValueAtPercentile(50)) + " / "
                                + Histograms.millis(projectedMicros.getValueAtPercentile(99)) + " ms", "-", null);
                report.figure("delivered / expected", merged.deliveries() + " / " + changes * load.connected(),
                        "all", merged.deliveries() >= changes * load.connected());
                report.figure("services CPU (ingestor+projector+gateway)", servicesPercent + " % of a core", "-",
                        null);
                report.figure("load clients CPU", clientPercent + " % of a core", "-", null);
                ObjectNode details = report.details();
                Histograms.summarizeMicrosAsMillis(pipelineMicros, details.putObject("latency"));
                Histograms.summarizeMicrosAsMillis(bareMicros, details.putObject("bareKafkaHop"));
                Histograms.summarizeMicrosAsMillis(ingestedMicros, details.putObject("stageSessionEvents"));
                Histograms.summarizeMicrosAsMillis(projectedMicros, details.putObject("stageSessionState"));
                details.put("histogram", Histograms.encode(pipelineMicros));
                details.put("bareHistogram", Histograms.encode(bareMicros));
                details.put("changes", changes);
                details.put("streams", load.connected());
                details.put("deliveries", merged.deliveries());
                details.put("untimedDeliveries", merged.untimed());
                details.put("pipelineStartupMs", pipeline.startup().toMillis());
                pipeline.memory(details.putObject("memory"));
                details.put("loadAverageMidRun", Machine.loadAverage());
                details.put("topMidRun", top[0]);
                Map<String, Histogram> series = new LinkedHashMap<>();
                series.put("simulator -> SSE client (" + load.connected() + " clients)", pipelineMicros);
                series.put("bare Kafka produce -> consume", bareMicros);
                String chart = options.text("chart", "docs/bench-end-to-end-latency.png");
                LatencyChart.write(context.repository().resolve(chart),
                        "End-to-end latency, " + rate + " changes/s, " + seconds + " s (load avg "
                                + Machine.loadAverage().split(" ")[0] + " on " + Runtime.getRuntime()
                                        .availableProcessors() + " cpus)",
                        series, LatencyChart.goals("goal p99 50 ms", 50, "goal p50 15 ms", 15));
                report.note("chart written to " + chart);
            }
        }
        report.save(context.results());
    }
}
