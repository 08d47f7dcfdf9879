package io.crewstream.bench.scenario;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.crewstream.bench.Options;
import io.crewstream.bench.load.BenchRows;
import io.crewstream.bench.load.ReplayHistory;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.report.Machine;
import io.crewstream.bench.report.Report;
import io.crewstream.replay.Replay;
import io.crewstream.replay.kafka.ReplaySource;
import io.crewstream.replay.table.ConnectionTableAt;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The replay engine's speed goals (issue #13) over a realistic history of one gateway (see {@link ReplayHistory}):
 *
 * <ul>
 * <li>state-at of a 10,000-session gateway within 2 s whatever the instant: {@code --queries} instants over the
 * span, among them the worst case (1 ms before the snapshot farthest from the one before it completes: the fold reads
 * a whole snapshot, every delta since, and the unfinished one) and one hour in;</li>
 * <li>replay of a one-hour window as {@code --format jsonl --speed max} would write it (each frame's stored JSON and a
 * newline into a {@link BufferedOutputStream}, here over a counting null stream): first frame within 1 s, at least
 * 50,000 frames/s; three times, then once narrowed to one session.</li>
 * </ul>
 *
 * Each question goes through the engine's public API with a fresh call, as the CLI would; the first state-at and the
 * first replay of the harness JVM are reported apart (cold), and both questions are also asked once by a fresh JVM
 * ({@link Probe}), which is what a CLI invocation is. The broker lives in this JVM and shares the 2 cores with the
 * reader: a remote broker would leave the reader more CPU.
 */
public final class ReplayScenario implements Scenario {

    private static final Duration HOUR = Duration.ofHours(1);

    private static final double STATE_AT_GOAL_MS = 2000;

    private static final double FIRST_FRAME_GOAL_MS = 1000;

    private static final double FRAMES_PER_SECOND_GOAL = 50_000;

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        Duration span = Duration.ofHours(options.integer("hours", 1));
        int sessions = options.integer("sessions", 10_000);
        int queries = Math.max(2, options.integer("queries", 10));
        String session = options.text("session", BenchRows.key(sessions / 2));
        Report report = new Report(options.text("name", "replay"), options.asMap());
        TopicNamespace namespace = context.namespace("bench-replay");
        String bootstrap = context.broker().bootstrapServers();
        context.broker().createTopics(List.of(Topic.values()).stream()
                .map(topic -> topic.newTopic(namespace, 3, (short) 1)).toList());
        // The span ends a minute ago: no timestamp in the future, all well within every topic's retention.
        Instant start = Instant.now().minus(span).minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        ReplayHistory.Settings settings = new ReplayHistory.Settings(start, span, sessions,
                options.integer("row-bytes", 2000), Duration.ofSeconds(options.integer("snapshot-interval-s", 60)),
                options.integer("delta-rate", 50), options.integer("frame-rate", 100),
                options.integer("frame-bytes", 500), options.integer("chunk-bytes", 262_144), session);
        ObjectNode details = report.details();
        try (ReplayHistory history = new ReplayHistory(bootstrap, namespace, settings)) {
            long writeStart = System.nanoTime();
            history.write();
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
            List<ReplayHistory.Snapshot> snapshots = history.snapshots();
            report.figure("history written (" + span.toHours() + " h: " + snapshots.size() + " snapshots of "
                    + snapshots.get(0).chunks() + " chunks, " + history.deltas() + " deltas, " + history.frames()
                    + " frames)", String.format("%.1f s, %d records, %.0f MB", writeSeconds, history.records(),
                            history.bytes() / 1e6), "-", null);
            details.put("writeSeconds", writeSeconds);
            details.put("records", history.records());
            details.put("bytes", history.bytes());
            details.put("start", start.toString());
            details.put("loadAverageAfterWrite", Machine.loadAverage());
            Replay replay = new Replay(new ReplaySource(bootstrap, namespace));
            Probe probe = new Probe(context, bootstrap, namespace, options.integer("probe-runs", 3),
                    options.text("probe-jvm-options", ""));
            stateAt(report, replay, history, start, span, queries, probe);
            frames(report, replay, history, start, span, session, probe);
        }
        details.put("loadAverageEnd", Machine.loadAverage());
        report.note("snapshot every " + settings.snapshotInterval().toSeconds() + " s of simulated time, chunks of "
                + "at most " + settings.chunkBytes() + " bytes; frames of ~" + settings.frameBytes()
                + " bytes; broker in the harness JVM (ZGC); fresh JVMs with "
                + options.text("probe-jvm-options", "the JVM's default options"));
        report.save(context.results());
    }

    private static void stateAt(Report report, Replay replay, ReplayHistory history, Instant start, Duration span,
            int queries, Probe probe) {
        Instant worst = worstCase(history.snapshots());
        List<Instant> instants = new ArrayList<>();
        instants.add(worst);
        Instant oneHourIn = start.plus(span.compareTo(HOUR) < 0 ? span : HOUR);
        instants.add(oneHourIn);
        for (int i = 0; i < queries - 2; i++) {
            instants.add(start.plus(span.multipliedBy(2L * i + 1).dividedBy(2L * (queries - 2))));
        }
        instants.sort(Comparator.naturalOrder());
        ArrayNode runs = report.details().putArray("stateAt");
        StateAt cold = timeStateAt(replay, worst);
        check(cold, history.sessionsAt(worst));
        report.figure("state-at, first call of this JVM (worst case " + offset(start, worst) + ")",
                ms(cold.millis()) + ", " + cold.sessions() + " sessions", "<= 2 s", cold.millis() <= STATE_AT_GOAL_MS);
        List<Double> times = new ArrayList<>();
        for (Instant at : instants) {
            StateAt run = timeStateAt(replay, at);
            check(run, history.sessionsAt(at));
            times.add(run.millis());
            runs.addObject().put("at", offset(start, at)).put("ms", run.millis()).put("sessions", run.sessions())
                    .put("basis", run.basis()).put("worstCase", at.equals(worst));
            System.out.printf("[bench] state-at %s: %.0f ms, %d sessions, from %s%n", offset(start, at),
                    run.millis(), run.sessions(), run.basis());
        }
        List<Double> sorted = times.stream().sorted().toList();
        double max = sorted.get(sorted.size() - 1);
        report.figure("state-at, " + instants.size() + " instants (incl. worst case, 1 h in): min / median / max",
                spread(sorted), "<= 2 s", max <= STATE_AT_GOAL_MS);
        report.figure("state-at at the worst case / 1 h in", ms(times.get(instants.indexOf(worst))) + " / "
                + ms(times.get(instants.indexOf(oneHourIn))), "<= 2 s", null);
        List<Map<String, String>> fresh = probe.ask(report, "state-at", worst.toString(), "-", "-");
        List<Double> calls = values(fresh, "ms");
        report.figure("state-at worst case, fresh JVM (as the CLI), " + fresh.size() + " runs: min / median / max",
                spread(calls), "<= 2 s", median(calls) <= STATE_AT_GOAL_MS);
        report.figure("state-at worst case, fresh JVM: JVM start to answer, median", ms(median(values(fresh,
                "processMs"))), "-", null);
    }

    private static void frames(Report report, Replay replay, ReplayHistory history, Instant start, Duration span,
            String session, Probe probe) {
        Instant to = start.plus(span.compareTo(HOUR) < 0 ? span : HOUR);
        long expected = history.framesIn(start, to, false);
        ArrayNode runs = report.details().putArray("frames");
        for (int i = 0; i < 3; i++) {
            FrameRun run = timeFrames(replay, start, to, null);
            check(run, expected);
            runs.addObject().put("firstFrameMs", run.firstFrameMillis()).put("totalMs", run.totalMillis())
                    .put("frames", run.frames()).put("bytes", run.bytes()).put("framesPerSecond", run.perSecond());
            String which = i == 0 ? "first of this JVM" : "run " + (i + 1);
            report.figure("replay 1 h (" + run.frames() + " frames, " + run.bytes() / 1_000_000 + " MB jsonl), "
                    + which + ": first frame", ms(run.firstFrameMillis()), "<= 1 s",
                    run.firstFrameMillis() <= FIRST_FRAME_GOAL_MS);
            report.figure("replay 1 h, " + which + ": throughput (total " + ms(run.totalMillis()) + ")",
                    String.format("%.0f frames/s", run.perSecond()), ">= 50,000/s",
                    run.perSecond() >= FRAMES_PER_SECOND_GOAL);
        }
        FrameRun one = timeFrames(replay, start, to, session);
        check(one, history.framesIn(start, to, true));
        report.figure("replay 1 h --session " + session + " (" + one.frames() + " frames): first frame / total",
                ms(one.firstFrameMillis()) + " / " + ms(one.totalMillis()), "-", null);
        report.details().set("framesOneSession", report.details().objectNode()
                .put("firstFrameMs", one.firstFrameMillis()).put("totalMs", one.totalMillis())
                .put("frames", one.frames()).put("scannedPerSecond", expected * 1000.0 / one.totalMillis()));
        List<Map<String, String>> fresh = probe.ask(report, "frames", start.toString(), to.toString(), "-");
        List<Double> first = values(fresh, "firstFrameMs");
        List<Double> perSecond = values(fresh, "framesPerSecond");
        report.figure("replay 1 h, fresh JVM (as the CLI), " + fresh.size() + " runs: first frame min / median / max",
                spread(first), "<= 1 s", median(first) <= FIRST_FRAME_GOAL_MS);
        report.figure("replay 1 h, fresh JVM: JVM start to first frame, median",
                ms(median(values(fresh, "processFirstFrameMs"))), "-", null);
        report.figure("replay 1 h, fresh JVM: throughput min / median / max", String.format(
                "%.0f / %.0f / %.0f frames/s", perSecond.get(0), median(perSecond),
                perSecond.get(perSecond.size() - 1)), ">= 50,000/s", median(perSecond) >= FRAMES_PER_SECOND_GOAL);
    }

    /** One millisecond before the last chunk of the snapshot that completes longest after the one before it. */
    static Instant worstCase(List<ReplayHistory.Snapshot> snapshots) {
        if (snapshots.size() < 2) {
            return snapshots.get(0).completedAt().plusSeconds(1);
        }
        int worst = 1;
        for (int i = 1; i < snapshots.size(); i++) {
            Duration gap = Duration.between(snapshots.get(i - 1).completedAt(), snapshots.get(i).completedAt());
            Duration worstGap = Duration.between(snapshots.get(worst - 1).completedAt(),
                    snapshots.get(worst).completedAt());
            // The longest gap; among equal ones, the one nearest the middle of the span.
            if (gap.compareTo(worstGap) > 0 || (gap.equals(worstGap) && i <= snapshots.size() / 2)) {
                worst = i;
            }
        }
        return snapshots.get(worst).completedAt().minusMillis(1);
    }

    record StateAt(double millis, int sessions, String basis) {
    }

    record FrameRun(double firstFrameMillis, double totalMillis, long frames, long bytes) {

        double perSecond() {
            return this.frames * 1000.0 / this.totalMillis;
        }
    }

    static StateAt timeStateAt(Replay replay, Instant at) {
        long begin = System.nanoTime();
        List<ConnectionTableAt> tables = replay.stateAt(at, ReplayHistory.CONNECTION_ID);
        double millis = (System.nanoTime() - begin) / 1e6;
        ConnectionTableAt table = tables.get(0);
        String basis = table.basis() == null ? "no snapshot"
                : table.basis().reason() + " snapshot of " + table.basis().at();
        return new StateAt(millis, table.sessions().size(), basis);
    }

    /** Replays as {@code --format jsonl --speed max} writes: the stored JSON and a newline, buffered. */
    static FrameRun timeFrames(Replay replay, Instant from, Instant to, String session) {
        CountingStream counting = new CountingStream();
        BufferedOutputStream out = new BufferedOutputStream(counting);
        long[] firstAndCount = { 0, 0 };
        long begin = System.nanoTime();
        replay.frames(ReplayHistory.CONNECTION_ID, from, to, session, frame -> {
            if (firstAndCount[1]++ == 0) {
                firstAndCount[0] = System.nanoTime();
            }
            try {
                out.write(frame.json());
                out.write('\n');
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return true;
        });
        try {
            out.flush();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        long end = System.nanoTime();
        return new FrameRun((firstAndCount[0] - begin) / 1e6, (end - begin) / 1e6, firstAndCount[1],
                counting.count);
    }

    private static void check(StateAt run, int expected) {
        if (run.sessions() != expected) {
            throw new IllegalStateException("state-at answered " + run.sessions() + " sessions, the history had "
                    + expected);
        }
    }

    private static void check(FrameRun run, long expected) {
        if (run.frames() != expected) {
            throw new IllegalStateException("replay gave " + run.frames() + " frames, the history had " + expected);
        }
    }

    private static String offset(Instant start, Instant at) {
        long millis = Duration.between(start, at).toMillis();
        return String.format("+%d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60, millis / 1000 % 60,
                millis % 1000);
    }

    private static String ms(double millis) {
        return String.format("%.0f ms", millis);
    }

    /** The values of one figure over the probes' runs, in ascending order. */
    private static List<Double> values(List<Map<String, String>> runs, String key) {
        return runs.stream().map(run -> Double.parseDouble(run.get(key))).sorted().toList();
    }

    private static String spread(List<Double> sorted) {
        return String.format("%.0f / %.0f / %.0f ms", sorted.get(0), median(sorted), sorted.get(sorted.size() - 1));
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Counts what it is given and keeps none of it: stdout redirected to nothing. */
    private static final class CountingStream extends OutputStream {

        private long count;

        @Override
        public void write(int b) {
            this.count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            this.count += len;
        }
    }

    /**
     * One question asked by a JVM of its own, as one CLI invocation would: {@code Probe <bootstrap> <prefix>
     * state-at <at> - -} or {@code Probe <bootstrap> <prefix> frames <from> <to> <session|->}; prints one line of
     * {@code key=value} figures. The harness starts it {@code --probe-runs} times per question, with
     * {@code --probe-jvm-options} (comma-separated, e.g. {@code -XX:TieredStopAtLevel=1}).
     */
    public static final class Probe {

        private static final String MARKER = "[replay-probe]";

        private final BenchContext context;

        private final String bootstrap;

        private final TopicNamespace namespace;

        private final int runs;

        private final List<String> jvmOptions;

        Probe(BenchContext context, String bootstrap, TopicNamespace namespace, int runs, String jvmOptions) {
            this.context = context;
            this.bootstrap = bootstrap;
            this.namespace = namespace;
            this.runs = Math.max(1, runs);
            this.jvmOptions = java.util.Arrays.stream(jvmOptions.split(",")).map(String::trim)
                    .filter(option -> !option.isEmpty()).toList();
        }

        public static void main(String[] args) {
            long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            Replay replay = new Replay(new ReplaySource(args[0], new TopicNamespace(args[1])));
            String session = args[5].equals("-") ? null : args[5];
            if (args[2].equals("state-at")) {
                StateAt run = timeStateAt(replay, Instant.parse(args[3]));
                System.out.println(MARKER + " ms=" + run.millis() + " sessions=" + run.sessions() + " processMs="
                        + (System.currentTimeMillis() - jvmStart));
            }
            else {
                long callAt = System.currentTimeMillis();
                FrameRun run = timeFrames(replay, Instant.parse(args[3]), Instant.parse(args[4]), session);
                System.out.println(MARKER + " firstFrameMs=" + run.firstFrameMillis() + " totalMs="
                        + run.totalMillis() + " frames=" + run.frames() + " framesPerSecond=" + run.perSecond()
                        + " processFirstFrameMs=" + (callAt - jvmStart + Math.round(run.firstFrameMillis())));
            }
            System.exit(0);
        }

        /** Asks the question in {@code runs} fresh JVMs, one after the other; their figures, also in the details. */
        List<Map<String, String>> ask(Report report, String question, String from, String to, String session) {
            List<Map<String, String>> all = new ArrayList<>();
            ArrayNode details = report.details().putArray(question + "FreshJvm");
            for (int i = 0; i < this.runs; i++) {
                try (JavaProcess probe = JavaProcess.start("replay-probe-" + question + "-" + i, this.context.logs(),
                        this.jvmOptions, List.of("-cp", JavaProcess.ownClasspath(), Probe.class.getName(),
                                this.bootstrap, this.namespace.prefix(), question, from, to, session), Map.of())) {
                    String line = probe.awaitLine(l -> l.startsWith(MARKER), Duration.ofMinutes(5));
                    Map<String, String> figures = new java.util.LinkedHashMap<>();
                    for (String pair : line.substring(MARKER.length()).trim().split(" ")) {
                        figures.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                    }
                    System.out.println("[bench] fresh JVM " + question + ": " + figures + " (load average "
                            + Machine.loadAverage() + ")");
                    ObjectNode node = details.addObject();
                    figures.forEach(node::put);
                    node.put("loadAverage", Machine.loadAverage());
                    all.add(figures);
                }
            }
            return all;
        }
    }
}
