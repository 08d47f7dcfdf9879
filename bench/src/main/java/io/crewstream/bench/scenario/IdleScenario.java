package io.crewstream.bench.scenario;

import java.time.Duration;

import io.crewstream.bench.Options;
import io.crewstream.bench.load.LoadClients;
import io.crewstream.bench.load.TableWriter;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.ProcessStats;
import io.crewstream.bench.report.Report;
import io.crewstream.bench.report.Top;
import io.crewstream.schemas.TopicNamespace;

/**
 * Idle clients per gateway instance: as many streams as asked (the machine caps a process at 20,000 open files),
 * held through a heartbeat period; reports how many stayed connected and the gateway's resident memory per client
 * (VmRSS with the clients minus VmRSS before, divided by the clients).
 */
public final class IdleScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int clients = options.integer("clients", 19_000);
        int processes = options.integer("processes", Math.max(1, (clients + 6499) / 6500));
        int hold = options.integer("hold", 20);
        Report report = new Report(options.text("name", "idle"), options.asMap());
        TopicNamespace namespace = context.namespace("bench-idle");
        TableWriter.createTopics(context.broker(), namespace);
        try (TableWriter writer = new TableWriter(context.broker().bootstrapServers(), namespace, 500);
                GatewayUnderTest gateway = GatewayUnderTest.start(context, namespace.prefix(),
                        options.text("gateway-heap", "1g"))) {
            writer.seed(options.integer("sessions", 10));
            // A few streams first, so the "before" figure includes warmed-up code paths, not only the empty server.
            try (LoadClients warm = LoadClients.connect(context.logs(), gateway.events(), 100, 1, 50, "256m")) {
                Thread.sleep(2000);
            }
            Thread.sleep(3000);
            long rssBefore = gateway.rssKb();
            long filesBefore = ProcessStats.openFiles(gateway.pid());
            long start = System.nanoTime();
            try (LoadClients load = LoadClients.connect(context.logs(), gateway.events(), clients, processes,
                    options.integer("in-flight", 200), options.text("client-heap", "1g"))) {
                Duration connecting = Duration.ofNanos(System.nanoTime() - start);
                report.note("opened " + load.connected() + " streams (" + load.failed() + " failed) in "
                        + connecting.toSeconds() + " s over " + processes + " load processes");
                Thread.sleep(hold * 1000L);
                String top = Top.snapshot();
                long rssAfter = gateway.rssKb();
                long filesAfter = ProcessStats.openFiles(gateway.pid());
                int closed = 0;
                for (JavaProcess process : load.processes()) {
                    process.send("status");
                    String status = process.awaitLine(l -> l.startsWith("STATUS "), Duration.ofSeconds(30));
                    closed += Integer.parseInt(status.replaceAll(".*closed=", "").trim());
                }
                int held = load.connected() - closed;
                double perClientKb = (held > 0) ? (rssAfter - rssBefore) / (double) held : 0;
                report.figure("idle clients held " + hold + " s", String.valueOf(held), ">= 19000", held >= 19_000);
                report.figure("gateway RSS per client", String.format("%.1f KiB", perClientKb), "<= 20 KB",
                        perClientKb <= 20);
                report.figure("gateway RSS before / with clients", rssBefore / 1024 + " / " + rssAfter / 1024
                        + " MiB", "-", null);
                report.details().put("requested", clients);
                report.details().put("connected", load.connected());
                report.details().put("failed", load.failed());
                report.details().put("closedWhileHeld", closed);
                report.details().put("gatewayRssBeforeKb", rssBefore);
                report.details().put("gatewayRssAfterKb", rssAfter);
                report.details().put("gatewayOpenFilesBefore", filesBefore);
                report.details().put("gatewayOpenFilesAfter", filesAfter);
                report.details().put("connectSeconds", connecting.toMillis() / 1000.0);
                report.details().put("top", top);
            }
        }
        report.save(context.results());
    }
}
