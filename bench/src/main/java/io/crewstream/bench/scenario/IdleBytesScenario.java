package io.crewstream.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.crewstream.bench.Options;
import io.crewstream.bench.load.BenchRows;
import io.crewstream.bench.load.ConsumerGroupLag;
import io.crewstream.bench.load.RelistWatch;
import io.crewstream.bench.load.TopicBytes;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.Services;
import io.crewstream.bench.report.Report;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import org.apache.kafka.clients.admin.Admin;
import tools.jackson.databind.node.ObjectNode;

/**
 * Idle bytes (issue #16): what the pipeline writes to Kafka per hour, per topic, in front of a gateway whose
 * {@code sessions} sessions never change. The simulator holds the sessions; the ingestor (with
 * {@code --reconciliation-interval}) and the projector run as in production; no SSE gateway (it writes nothing).
 *
 * <p>Measured from the broker: the bytes of every topic's log on disk ({@link TopicBytes}) and its end offsets, read
 * once after the first re-list has ended (the initial snapshot) and the projector has caught up (at most
 * {@code --settle} seconds, 60), and again after {@code --cycles} more re-lists have ended ({@link RelistWatch}: the
 * last chunk of a full snapshot, or a {@code sessions-verified} marker) and the projector has caught up again. The
 * window thus holds exactly that many reconciliations; bytes per hour = the difference × 3600 s / the time from the
 * re-list end that opened the window to the last one in it (whole cycles, like the bytes). Topics are the run's own
 * (inputs, outputs, the projector's changelogs) and the broker's internal ones (consumer offsets, transaction state),
 * which only this run uses. With an interval other than the default 60 s, the figure is also scaled to 60 s
 * (× interval / 60 s): exact for what each reconciliation writes, while what is written on a clock (a status every
 * 5 s, gateway ticks) is scaled with it and so under- or over-counted by the same factor.
 */
public final class IdleBytesScenario implements Scenario {

    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int sessions = options.integer("sessions", 10_000);
        int rowBytes = options.integer("row-bytes", 2000);
        Duration interval = options.seconds("reconciliation-interval", 60);
        int cycles = options.integer("cycles", 3);
        Duration settle = options.seconds("settle", 60);
        Report report = new Report(options.text("name", "idle-bytes"), options.asMap());
        TopicNamespace namespace = context.namespace("bench-idle");
        String bootstrap = context.broker().bootstrapServers();
        Services services = context.services();
        List<JavaProcess> processes = new ArrayList<>();
        try (OpenClawSimulator simulator = new OpenClawSimulator(SimulatorConfig.defaults(Pipeline.TOKEN)
                .withPort(0));
                Admin admin = Admin.create(context.broker().adminConfig())) {
            simulator.start();
            for (int i = 0; i < sessions; i++) {
                simulator.sessions().create(BenchRows.key(i), Pipeline.paddedFields("bench " + i, rowBytes));
            }
            String groupId = namespace.prefix() + "projector";
            processes.add(services.projector(Services.freePort(), bootstrap, namespace.prefix()));
            // The ingestor creates its topics at start; the watch must find session-events (and, from issue #16 on,
            // session-verifications) before the first re-list, so the upstream refuses it until then.
            simulator.faults().refuseConnections();
            processes.add(services.ingestor("ingestor", List.of(), Services.freePort(), bootstrap,
                    namespace.prefix(), Pipeline.CONNECTION_ID, simulator.url(), Pipeline.TOKEN,
                    "--crewstream.ingestor.connection.reconciliation-interval=" + interval.toSeconds() + "s"));
            Pipeline.awaitTopics(context, namespace, Duration.ofMinutes(3), Topic.SESSION_EVENTS);
            try {
                Pipeline.awaitTopics(context, namespace, Duration.ofSeconds(10), Topic.SESSION_VERIFICATIONS);
            }
            catch (IllegalStateException ex) {
                report.note("no " + Topic.SESSION_VERIFICATIONS.baseName() + " topic: an ingestor from before issue "
                        + "#16, every re-list ends with a full snapshot");
            }
            try (RelistWatch watch = new RelistWatch(bootstrap, namespace)) {
                watch.awaitPositioned();
                simulator.faults().acceptConnections();

                Pipeline.await(() -> watch.ends().size() >= 1, Duration.ofMinutes(5));
                boolean caughtUp = awaitCaughtUp(admin, groupId, settle);
                int first = watch.ends().size();
                long startNanos = System.nanoTime();
                Map<String, TopicBytes.Reading> before = TopicBytes.read(admin, topic -> ours(topic, namespace));
                report.note("window opens after " + first + " re-list(s) (last: " + watch.ends().get(first - 1)
                        .reason() + "); waiting for " + cycles + " more (reconciliation interval "
                        + interval.toSeconds() + " s)");

                Pipeline.await(() -> watch.ends().size() >= first + cycles, interval.multipliedBy(cycles + 2));
                caughtUp &= awaitCaughtUp(admin, groupId, settle);
                if (!caughtUp) {
                    report.note("the projector had not caught up within " + settle.toSeconds() + " s of a re-list's "
                            + "end (see bench/target/bench-logs/projector.log): its topics count what it wrote "
                            + "meanwhile, retried transactions included; the ingestor's topics do not depend on it");
                }
                report.details().put("projectorCaughtUp", caughtUp);
                Map<String, TopicBytes.Reading> after = TopicBytes.read(admin, topic -> ours(topic, namespace));
                List<RelistWatch.End> ends = watch.ends();
                // The readings hold the bytes of whole cycles, so the time is whole cycles too: from the re-list end
                // that opened the window to the last one in it (the readings themselves follow each of those by the
                // projector's catching up, which differs from one to the other).
                long windowNanos = ends.get(ends.size() - 1).seenNanos() - ends.get(first - 1).seenNanos();
                report.details().put("readingsApartSeconds", (System.nanoTime() - startNanos) / 1e9);
                report(report, namespace, interval, ends.subList(first, ends.size()), before, after, windowNanos);
            }
        }
        finally {
            processes.forEach(JavaProcess::close);
        }
        report.save(context.results());
    }

    /** @param ends the re-lists that ended in the window */
    private static void report(Report report, TopicNamespace namespace, Duration interval,
            List<RelistWatch.End> ends, Map<String, TopicBytes.Reading> before, Map<String, TopicBytes.Reading> after,
            long windowNanos) {
        double windowSeconds = windowNanos / 1e9;
        double perHour = 3600 / windowSeconds;
        double toDefault = (double) interval.toMillis() / DEFAULT_INTERVAL.toMillis();
        List<String[]> rows = new ArrayList<>();
        int relists = Math.max(1, ends.size());
        rows.add(new String[] { "topic", "bytes in window", "records in window", "bytes per re-list", "MB per hour",
                "MB per hour at 60 s" });
        Map<String, TopicBytes.Reading> written = new TreeMap<>();
        long totalBytes = 0;
        long totalRecords = 0;
        for (Map.Entry<String, TopicBytes.Reading> entry : after.entrySet()) {
            TopicBytes.Reading delta = entry.getValue().minus(before.getOrDefault(entry.getKey(),
                    new TopicBytes.Reading(0, 0)));
            if (delta.bytes() == 0 && delta.records() == 0) {
                continue;
            }
            String topic = entry.getKey().startsWith(namespace.prefix())
                    ? entry.getKey().substring(namespace.prefix().length()) : entry.getKey();
            written.put(topic, delta);
            totalBytes += delta.bytes();
            totalRecords += delta.records();
            rows.add(new String[] { topic, Long.toString(delta.bytes()), Long.toString(delta.records()),
                    Long.toString(delta.bytes() / relists), String.format("%.3f", delta.bytes() * perHour / 1e6),
                    String.format("%.3f", delta.bytes() * perHour * toDefault / 1e6) });
        }
        rows.add(new String[] { "total", Long.toString(totalBytes), Long.toString(totalRecords),
                Long.toString(totalBytes / relists), String.format("%.3f", totalBytes * perHour / 1e6),
                String.format("%.3f", totalBytes * perHour * toDefault / 1e6) });
        List<String> reasons = ends.stream()
                .map(end -> end.reason() + (end.fullSnapshot() ? " (full snapshot)" : " (marker)")).toList();
        report.figure("window: re-lists ended in it; seconds", reasons.size() + " (" + String.join(", ", reasons)
                + "); " + String.format("%.1f s", windowSeconds), "-", null);
        report.figure("bytes written to Kafka per hour, all topics (broker log sizes)",
                String.format("%.1f MB/h at a %d s interval", totalBytes * perHour / 1e6, interval.toSeconds()), "-",
                null);
        report.figure("same, at the default 60 s reconciliation interval",
                String.format("%.1f MB/h", totalBytes * perHour * toDefault / 1e6),
                "< 1 % of before (issue #16)", null);
        report.table(rows);
        ObjectNode details = report.details().putObject("writtenInWindow");
        written.forEach((topic, delta) -> details.putObject(topic).put("bytes", delta.bytes())
                .put("records", delta.records()));
        report.details().put("windowSeconds", windowSeconds);
        report.details().put("bytesPerHour", totalBytes * perHour);
        report.details().put("bytesPerHourAtDefaultInterval", totalBytes * perHour * toDefault);
    }

    /** The run's topics, and the broker's internal ones (only this run's clients use this broker). */
    private static boolean ours(String topic, TopicNamespace namespace) {
        return topic.startsWith(namespace.prefix()) || topic.startsWith("__");
    }

    /**
     * Until the projector has committed everything readable on its inputs (its outputs are then written too), at most
     * {@code bound}. A projector before issue #16 may never get there on a loaded machine: it applies a 10,000-row
     * snapshot in one transaction, which then outlives the transaction timeout, is fenced and starts again.
     * @return whether it caught up
     */
    private static boolean awaitCaughtUp(Admin admin, String groupId, Duration bound) {
        try {
            Pipeline.await(() -> ConsumerGroupLag.of(admin, groupId) == 0, bound);
            return true;
        }
        catch (IllegalStateException ex) {
            return false;
        }
    }
}
