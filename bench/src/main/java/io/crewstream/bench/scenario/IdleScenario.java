package io.crewstream.bench.scenario;

import java.time.Duration;

import io.crewstream.bench.Options;
import io.crewstream.bench.load.LoadClients;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.ProcessStats;
import io.crewstream.bench.report.Report;
import io.crewstream.bench.report.Top;
import tools.jackson.databind.node.ObjectNode;

/**
 * Idle streams per server process, side by side (issue #19): for each subject in turn (Nchan, then the gateway,
 * by default) as many streams as asked (the machine caps a process at 20,000 open files), {@code in-flight} of them
 * connecting at a time, held through {@code hold} seconds. Reports how many stayed connected, the time until every
 * one had its initial state, and the server's resident memory per stream (VmRSS with the streams minus VmRSS
 * before, divided by the streams; JVMs with a fixed heap), and, once the load processes are told to exit, how long
 * the server takes to close the departed streams' sockets (its open files back to what they were). With
 * {@code --in-flight} equal to {@code --clients} this is the reconnect storm after a restart: everyone at once.
 */
public final class IdleScenario implements Scenario {

    private static final String HELD = "streams held";

    private static final String RSS_PER_STREAM = "RSS per idle stream (KiB)";

    private static final String CONNECT = "all streams have their initial state (s)";

    /** JVM subjects only: RSS does not see objects put in heap pages touched before the streams came. */
    private static final String LIVE_HEAP_PER_STREAM = "live heap per idle stream (KiB, after a full GC)";

    private static final String RELEASED = "departed streams released (s)";

    private static final Duration RELEASE_LIMIT = Duration.ofSeconds(60);

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int clients = options.integer("clients", 19_000);
        int processes = options.integer("processes", Math.max(1, (clients + 6499) / 6500));
        int hold = options.integer("hold", 20);
        int inFlight = options.integer("in-flight", 200);
        Report report = new Report(options.text("name", "idle"), options.asMap());
        FanOutSubject.Setup setup = FanOutSubject.Setup.of(context, options, 10);
        SideBySide table = new SideBySide(FanOutSubject.PEER);
        table.figure(HELD, "%.0f", null);
        table.figure(CONNECT, "%.2f", SideBySide.Goal.atMost(2.0));
        table.figure(RSS_PER_STREAM, "%.1f", SideBySide.Goal.atMost(2.0));
        table.figure(LIVE_HEAP_PER_STREAM, "%.1f", null);
        table.figure(RELEASED, "%.2f", null);
        table.figure("RSS before (MiB)", "%.0f", null);
        table.figure("RSS with the streams (MiB)", "%.0f", null);
        for (String subjectName : FanOutSubject.names(options)) {
            try (FanOutSubject subject = FanOutSubject.start(subjectName, context, setup)) {
                long pid = subject.pids().get(0);
                ObjectNode run = report.details().putObject(subject.name());
                // A few streams first, so the "before" figure includes warmed-up code paths, not only the empty
                // server.
                long filesEmpty = ProcessStats.openFiles(pid);
                try (LoadClients warm = LoadClients.connect(context.logs(), subject.events(), 100, 1, 50, "256m")) {
                    Thread.sleep(2000);
                }
                // The baseline must not count the warm-up streams a server has not let go of yet (the gateway on
                // Tomcat held them for two heartbeats).
                awaitReleased(pid, filesEmpty + 10, System.nanoTime());
                Thread.sleep(3000);
                long rssBefore = subject.rssKb();
                boolean jvm = !subject.name().equals(FanOutSubject.PEER);
                long heapBefore = jvm ? ProcessStats.liveHeapKb(pid) : -1;
                long filesBefore = ProcessStats.openFiles(pid);
                long closedAt;
                try (LoadClients load = LoadClients.connect(context.logs(), subject.events(), clients, processes,
                        inFlight, options.text("client-heap", "1g"))) {
                    report.note(subject.name() + ": opened " + load.connected() + " streams (" + load.failed()
                            + " failed) in " + load.connectMillis() + " ms over " + processes + " load processes");
                    Thread.sleep(hold * 1000L);
                    String top = Top.snapshot();
                    long rssAfter = subject.rssKb();
                    long heapAfter = jvm ? ProcessStats.liveHeapKb(pid) : -1;
                    long filesAfter = ProcessStats.openFiles(pid);
                    int closed = 0;
                    for (JavaProcess process : load.processes()) {
                        process.send("status");
                        String status = process.awaitLine(l -> l.startsWith("STATUS "), Duration.ofSeconds(30));
                        closed += Integer.parseInt(status.replaceAll(".*closed=", "").trim());
                    }
                    int held = load.connected() - closed;
                    String who = subject.name();
                    table.value(who, HELD, held);
                    table.value(who, CONNECT, load.connectMillis() / 1000.0);
                    table.value(who, RSS_PER_STREAM, (held > 0) ? (rssAfter - rssBefore) / (double) held : 0);
                    if (heapBefore >= 0 && heapAfter >= 0) {
                        table.value(who, LIVE_HEAP_PER_STREAM, (heapAfter - heapBefore) / (double) Math.max(1, held));
                    }
                    table.value(who, "RSS before (MiB)", rssBefore / 1024.0);
                    table.value(who, "RSS with the streams (MiB)", rssAfter / 1024.0);
                    report.figure(who + ": " + HELD + " " + hold + " s", String.valueOf(held),
                            ">= " + Math.min(clients, 19_000), held >= Math.min(clients, 19_000));
                    run.put("requested", clients);
                    run.put("connected", load.connected());
                    run.put("failed", load.failed());
                    run.put("closedWhileHeld", closed);
                    run.put("connectMillis", load.connectMillis());
                    run.put("rssBeforeKb", rssBefore);
                    run.put("rssAfterKb", rssAfter);
                    run.put("liveHeapBeforeKb", heapBefore);
                    run.put("liveHeapAfterKb", heapAfter);
                    run.put("openFilesBefore", filesBefore);
                    run.put("openFilesAfter", filesAfter);
                    run.put("top", top);
                    // From here the load processes are told to exit; their sockets close when they do. Timed from
                    // before that, the figure is an upper bound by the processes' exit time.
                    closedAt = System.nanoTime();
                }
                // How long until the server has let go of the departed streams' sockets too?
                double released = awaitReleased(pid, filesBefore + Math.max(20, clients / 100), closedAt);
                table.value(subject.name(), RELEASED, released);
                run.put("releasedSeconds", released);
            }
        }
        table.addTo(report);
        report.save(context.results());
    }

    /**
     * Seconds from {@code since} until the process holds at most {@code files} open files (its sockets for the
     * departed streams are closed); -1 when that takes longer than {@link #RELEASE_LIMIT}.
     */
    private static double awaitReleased(long pid, long files, long since) throws InterruptedException {
        while (ProcessStats.openFiles(pid) > files) {
            if (System.nanoTime() - since > RELEASE_LIMIT.toNanos()) {
                return -1;
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - since) / 1e9;
    }
}
