package io.crewstream.bench.scenario;

import java.util.ArrayList;
import java.util.List;

import io.crewstream.bench.Options;
import io.crewstream.bench.load.LoadClients;
import io.crewstream.bench.load.TableWriter;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.report.Histograms;
import io.crewstream.bench.report.Machine;
import io.crewstream.bench.report.Report;
import io.crewstream.bench.report.Top;
import io.crewstream.schemas.TopicNamespace;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fan-out tier alone: records written to the session-state table (the harness plays the projector) → one SSE
 * gateway process → {@code clients} streams spread over {@code processes} load-client processes. Reports deliveries
 * per second and the write → receive latency.
 */
public final class FanOutScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int clients = options.integer("clients", 1000);
        int rate = options.integer("rate", 200);
        int seconds = options.integer("seconds", 30);
        int sessions = options.integer("sessions", 200);
        int rowBytes = options.integer("row-bytes", 1000);
        int processes = options.integer("processes", Math.max(1, (clients + 6999) / 7000));
        double goalRate = options.integer("goal-rate", clients * rate);
        int goalP99 = options.integer("goal-p99-ms", 44);
        String name = options.text("name", "fanout-" + clients + "x" + rate);
        Report report = new Report(name, options.asMap());

        TopicNamespace namespace = context.namespace("bench-fanout");
        TableWriter.createTopics(context.broker(), namespace);
        String heap = options.text("gateway-heap", "1g");
        List<String> gatewayJvm = new ArrayList<>(List.of("-Xmx" + heap, "-Xms" + heap));
        String recording = options.text("gateway-jfr", "");
        if (!recording.isEmpty()) {
            // A CPU profile of the gateway for "what limits it": JFR's sampling profiler, written at exit.
            gatewayJvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + context.repository().resolve(recording));
        }
        try (TableWriter writer = new TableWriter(context.broker().bootstrapServers(), namespace, rowBytes);
                GatewayUnderTest gateway = GatewayUnderTest.start(context, namespace.prefix(), gatewayJvm,
                        options.springArguments("gateway-properties"))) {
            writer.seed(sessions);
            try (LoadClients load = LoadClients.connect(context.logs(), gateway.events(), clients, processes,
                    options.integer("in-flight", 200), options.text("client-heap", "1g"))) {
                report.note("connected " + load.connected() + " streams (" + load.failed() + " failed) over "
                        + processes + " load processes; gateway RSS " + gateway.rssKb() / 1024 + " MiB");
                writer.run(sessions, rate, options.integer("warmup", 5));
                load.start();
                CpuWindow gatewayCpu = new CpuWindow(List.of(gateway.pid()));
                CpuWindow clientCpu = new CpuWindow(load.processes().stream().map(JavaProcess::pid).toList());
                String[] top = new String[1];
                Thread sampler = new Thread(() -> {
                    sleepQuietly(seconds * 500L);
                    top[0] = Top.snapshot();
                });
                sampler.start();
                long sent = writer.run(sessions, rate, seconds);
                sampler.join();
                Thread.sleep(2000);
                double gatewayPercent = gatewayCpu.percentOfOneCore();
                double clientPercent = clientCpu.percentOfOneCore();
                LoadClients.Merged merged = load.stop();

                double perSecond = merged.deliveries() / (double) seconds;
                double p50 = Histograms.millis(merged.latencyMicros().getValueAtPercentile(50));
                double p99 = Histograms.millis(merged.latencyMicros().getValueAtPercentile(99));
                report.figure("deliveries/s", String.format("%.0f", perSecond), String.format("%.0f", goalRate),
                        perSecond >= goalRate * 0.99);
                report.figure("latency p50", p50 + " ms", "-", null);
                report.figure("latency p99", p99 + " ms", "<= " + goalP99 + " ms", p99 <= goalP99);
                report.figure("delivered / expected", merged.deliveries() + " / " + sent * load.connected(), "all",
                        merged.deliveries() >= sent * load.connected());
                report.figure("gateway CPU", gatewayPercent + " % of a core", "-", null);
                report.figure("load clients CPU", clientPercent + " % of a core", "-", null);
                ObjectNode details = report.details();
                Histograms.summarizeMicrosAsMillis(merged.latencyMicros(), details.putObject("latency"));
                details.put("histogram", Histograms.encode(merged.latencyMicros()));
                details.put("changesWritten", sent);
                details.put("writeFailures", writer.failures());
                details.put("streams", load.connected());
                details.put("streamsClosedDuringRun", merged.closedStreams());
                details.put("deliveries", merged.deliveries());
                details.put("untimedDeliveries", merged.untimed());
                details.put("gatewayCpuPercentOfOneCore", gatewayPercent);
                details.put("loadClientsCpuPercentOfOneCore", clientPercent);
                details.put("gatewayRssKb", gateway.rssKb());
                details.put("loadClientsRssKb", merged.rssKb());
                details.put("loadAverageMidRun", Machine.loadAverage());
                details.put("topMidRun", top[0]);
            }
        }
        report.save(context.results());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
