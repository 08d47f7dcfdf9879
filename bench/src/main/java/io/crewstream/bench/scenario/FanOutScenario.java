package io.crewstream.bench.scenario;


import io.crewstream.bench.Options;
import io.crewstream.bench.load.LoadClients;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.report.Histograms;
import io.crewstream.bench.report.Machine;
import io.crewstream.bench.report.Report;
import io.crewstream.bench.report.Top;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fan-out tier alone, side by side (issue #19): each subject in turn is started fresh, given {@code sessions}
 * rows, connected to by {@code clients} streams from the same load-client processes, warmed up, then published to
 * at {@code rate} events/s for {@code seconds}. By default the subjects are nginx + Nchan, then the SSE gateway;
 * {@code --subjects nchan,gateway,spike,reactor-spike} adds the Netty and Reactor Netty spikes. Reports, for each,
 * deliveries per second, the publish → receive latency, CPU per delivery and memory, and each one's ratio to Nchan.
 *
 * <p>For the gateway and the spikes the harness plays the projector (it writes the session-state table) and the
 * latency runs from just before the write to Kafka to the SSE bytes received; for Nchan, from just before the POST.
 * Only events sent inside the measured window count (a warm-up event still in flight is a straggler, reported
 * apart). Deliveries per second are over the time the publisher took: Nchan answers a POST only once the message
 * is written to every subscriber, so a publisher slower than {@code rate} is Nchan's limit showing. The subjects
 * after Nchan are then published to at the rate Nchan achieved (the "both at the rate the publisher
 * achieves"): same load, comparable figures. {@code --subjects gateway,spike} (no peer) keeps {@code rate} for all.
 */
public final class FanOutScenario implements Scenario {

    private static final String DELIVERIES = "deliveries/s";

    private static final String P50 = "latency p50 (ms)";

    private static final String P99 = "latency p99 (ms)";

    private static final String CPU_PER_DELIVERY = "server CPU per delivery (µs)";

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int clients = options.integer("clients", 1000);
        int askedRate = options.integer("rate", 200);
        double rate = askedRate;
        int seconds = options.integer("seconds", 30);
        int processes = options.integer("processes", Math.max(1, (clients + 6999) / 7000));
        String name = options.text("name", "fanout-" + clients + "x" + askedRate);
        Report report = new Report(name, options.asMap());
        FanOutSubject.Setup setup = FanOutSubject.Setup.of(context, options, 200);

        SideBySide table = new SideBySide(FanOutSubject.PEER);
        table.figure(DELIVERIES, "%.0f", SideBySide.Goal.atLeast(1.0));
        table.figure("publish rate achieved (/s)", "%.1f", null);
        table.figure("delivered / expected (%)", "%.2f", null);
        table.figure(P50, "%.1f", null);
        table.figure(P99, "%.1f", SideBySide.Goal.atMost(1.0));
        table.figure("server CPU (% of a core)", "%.1f", null);
        table.figure(CPU_PER_DELIVERY, "%.2f", SideBySide.Goal.atMost(1.5));
        table.figure("server RSS (MiB)", "%.0f", null);
        table.figure("load clients CPU (% of a core)", "%.1f", null);
        ObjectNode details = report.details();
        for (String subjectName : FanOutSubject.names(options)) {
            try (FanOutSubject subject = FanOutSubject.start(subjectName, context, setup);
                    LoadClients load = LoadClients.connect(context.logs(), subject.events(), clients, processes,
                            options.integer("in-flight", 200), options.text("client-heap", "1g"))) {
                report.note(subject.name() + ": connected " + load.connected() + " streams (" + load.failed()
                        + " failed) over " + processes + " load processes");
                subject.publish(rate, options.integer("warmup", 5));
                load.start();
                CpuWindow serverCpu = new CpuWindow(subject.pids());
                CpuWindow clientCpu = new CpuWindow(load.processes().stream().map(JavaProcess::pid).toList());
                String[] top = new String[1];
                Thread sampler = new Thread(() -> {
                    sleepQuietly(seconds * 500L);
                    top[0] = Top.snapshot();
                });
                sampler.start();
                long publishStart = System.nanoTime();
                long sent = subject.publish(rate, seconds);
                double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
                sampler.join();
                // What is still in flight arrives; the CPU it takes is counted.
                Thread.sleep(2000);
                double serverCpuSeconds = serverCpu.cpuSeconds();
                double serverPercent = serverCpu.percentOfOneCore();
                double clientPercent = clientCpu.percentOfOneCore();
                long rssKb = subject.rssKb();
                LoadClients.Merged merged = load.stop();

                long expected = sent * load.connected();
                String who = subject.name();
                table.value(who, DELIVERIES, merged.deliveries() / publishSeconds);
                table.value(who, "publish rate achieved (/s)", sent / publishSeconds);
                table.value(who, "delivered / expected (%)", 100.0 * merged.deliveries() / Math.max(1, expected));
                table.value(who, P50, Histograms.millis(merged.latencyMicros().getValueAtPercentile(50)));
                table.value(who, P99, Histograms.millis(merged.latencyMicros().getValueAtPercentile(99)));
                table.value(who, "server CPU (% of a core)", serverPercent);
                table.value(who, CPU_PER_DELIVERY, serverCpuSeconds * 1e6 / Math.max(1, merged.deliveries()));
                table.value(who, "server RSS (MiB)", rssKb / 1024.0);
                table.value(who, "load clients CPU (% of a core)", clientPercent);

                ObjectNode run = details.putObject(who);
                Histograms.summarizeMicrosAsMillis(merged.latencyMicros(), run.putObject("latency"));
                run.put("histogram", Histograms.encode(merged.latencyMicros()));
                run.put("published", sent);
                run.put("publishSeconds", publishSeconds);
                run.put("streams", load.connected());
                run.put("streamsFailed", load.failed());
                run.put("streamsClosedDuringRun", merged.closedStreams());
                run.put("deliveries", merged.deliveries());
                run.put("untimedDeliveries", merged.untimed());
                run.put("stragglersNotCounted", merged.stragglers());
                run.put("serverCpuSeconds", serverCpuSeconds);
                run.put("serverRssKb", rssKb);
                run.put("loadClientsRssKb", merged.rssKb());
                run.put("loadAverageMidRun", Machine.loadAverage());
                run.put("topMidRun", top[0]);
                run.put("rate", rate);
                if (who.equals(FanOutSubject.PEER) && sent / publishSeconds < rate * 0.98) {
                    // Compared at the load the peer sustains: both at the rate its publisher achieved.
                    rate = Math.round(sent / publishSeconds * 100) / 100.0;
                    report.note("the peer's publisher achieved " + rate + " of " + askedRate
                            + " events/s (Nchan answers a POST once every subscriber has it); the others run at "
                            + rate + "/s");
                }
            }
        }
        table.addTo(report);
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
