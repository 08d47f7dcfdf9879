package io.crewstream.bench.scenario;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.crewstream.bench.Options;
import io.crewstream.bench.load.BenchRows;
import io.crewstream.bench.load.ReplayHistory;
import io.crewstream.bench.process.CrewstreamCommand;
import io.crewstream.bench.report.Machine;
import io.crewstream.bench.report.Report;
import io.crewstream.replay.Replay;
import io.crewstream.replay.kafka.ReplaySource;
import io.crewstream.replay.table.ConnectionTableAt;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The replay speed goals (issue #13) over a realistic history of one gateway (see {@link ReplayHistory}), asked the
 * three ways a user asks them:
 *
 * <ul>
 * <li><b>the command line</b>, {@code ./crewstream state-at} and {@code ./crewstream replay --format jsonl --speed
 * max} run by the repository's script as child processes ({@link CrewstreamCommand}): state-at of a 10,000-session
 * gateway within 2 s (process start to exit) at the worst instant (1 ms before the snapshot farthest from the one
 * before it completes: the fold reads a whole snapshot, every delta since, and the unfinished one); replay of a
 * one-hour window with its first byte within 1 s of the start and at least 50,000 frames/s. The first command run,
 * which extracts the launcher jar and writes the class-data archive, is reported apart;</li>
 * <li><b>the replay page</b>, {@code GET /api/replay/state} of an SSE gateway process with the page's fields,
 * within 1 s;</li>
 * <li><b>the engine in a running JVM</b> (this one), as the replay page's server calls it: state-at at
 * {@code --queries} instants and three one-hour replays written as {@code --format jsonl} would (each frame's stored
 * JSON and a newline into a {@link BufferedOutputStream}, here over a counting null stream), then one narrowed to
 * one session.</li>
 * </ul>
 *
 * Every answer is checked against what was written (session count, frame count). The broker lives in this JVM and
 * shares the 2 cores with the reader: a remote broker would leave the reader more CPU.
 */
public final class ReplayScenario implements Scenario {

    private static final Duration HOUR = Duration.ofHours(1);

    private static final double STATE_AT_GOAL_MS = 2000;

    private static final double FIRST_FRAME_GOAL_MS = 1000;

    private static final double FRAMES_PER_SECOND_GOAL = 50_000;

    private static final double PAGE_GOAL_MS = 1000;

    private static final String ENGINE = "engine, in a running JVM (as the replay page's server): ";

    private static final String LAUNCHER_JAR = "local/target/crewstream-local-0.1.0-SNAPSHOT-exec.jar";

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        Duration span = Duration.ofHours(options.integer("hours", 1));
        int sessions = options.integer("sessions", 10_000);
        int queries = Math.max(2, options.integer("queries", 10));
        String session = options.text("session", BenchRows.key(sessions / 2));
        Report report = new Report(options.text("name", "replay"), options.asMap());
        if (!Files.exists(context.repository().resolve(LAUNCHER_JAR))) {
            throw new IllegalStateException(LAUNCHER_JAR + " is missing: build it first (./mvnw -o -B -q -pl local "
                    + "-am package -Dmaven.test.skip=true)");
        }
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
            Question question = new Question(history, start, worstCase(snapshots),
                    start.plus(span.compareTo(HOUR) < 0 ? span : HOUR));
            Replay replay = new Replay(new ReplaySource(bootstrap, namespace));
            stateAt(report, replay, question, span, queries);
            frames(report, replay, question, session);
            commands(report, context, bootstrap, namespace, question, Math.max(1, options.integer("probe-runs", 3)));
            page(report, context, namespace, question, Math.max(1, options.integer("page-runs", 5)),
                    options.text("gateway-heap", "1g"));
        }
        details.put("loadAverageEnd", Machine.loadAverage());
        report.note("snapshot every " + settings.snapshotInterval().toSeconds() + " s of simulated time, chunks of "
                + "at most " + settings.chunkBytes() + " bytes; frames of ~" + settings.frameBytes()
                + " bytes; broker in the harness JVM (ZGC); commands with the script's default JVM options, stdout "
                + "counted by the harness; gateway -Xmx" + options.text("gateway-heap", "1g")
                + ", its answers timed by the harness over loopback");
        report.save(context.results());
    }

    /** What is asked, and the history that says what the answers must hold. */
    private record Question(ReplayHistory history, Instant start, Instant worst, Instant oneHourIn) {

        String offset(Instant at) {
            return ReplayScenario.offset(this.start, at);
        }
    }

    /** {@code ./crewstream state-at} and {@code ./crewstream replay} as child processes of the repository's script. */
    private static void commands(Report report, BenchContext context, String bootstrap, TopicNamespace namespace,
            Question question, int runs) throws Exception {
        String id = ReplayHistory.CONNECTION_ID;
        List<String> stateAt = List.of("state-at", question.worst().toString(), "--connection", id,
                "--topic-prefix", namespace.prefix(), "--format", "jsonl");
        List<String> replay = List.of("replay", "--connection", id, "--from", question.start().toString(), "--to",
                question.oneHourIn().toString(), "--format", "jsonl", "--speed", "max", "--topic-prefix",
                namespace.prefix());
        int sessions = question.history().sessionsAt(question.worst());
        long frames = question.history().framesIn(question.start(), question.oneHourIn(), false);
        report.details().put("loadAverageBeforeCommands", Machine.loadAverage());
        ArrayNode details = report.details().putArray("commands");
        CrewstreamCommand.Result first = command(context, bootstrap, details, "state-at-first", stateAt, true);
        check(first.matching(), sessions, "sessions", stateAt);
        report.figure("./crewstream state-at, first command run (extracts, writes the class-data archive)",
                ms(first.exitMs()) + ", " + first.matching() + " sessions", "<= 2 s",
                first.exitMs() <= STATE_AT_GOAL_MS);
        List<CrewstreamCommand.Result> states = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            states.add(command(context, bootstrap, details, "state-at-" + i, stateAt, false));
            check(states.get(i).matching(), sessions, "sessions", stateAt);
        }
        List<Double> walls = sorted(states, CrewstreamCommand.Result::exitMs);
        report.figure("./crewstream state-at (worst case " + question.offset(question.worst()) + ", jsonl, "
                + sessions + " sessions), " + runs + " runs: start to exit min / median / max", spread(walls),
                "<= 2 s", max(walls) <= STATE_AT_GOAL_MS);
        List<CrewstreamCommand.Result> replays = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            replays.add(command(context, bootstrap, details, "replay-" + i, replay, false));
            check(replays.get(i).lines(), frames, "frames", replay);
        }
        List<Double> firstBytes = sorted(replays, CrewstreamCommand.Result::firstByteMs);
        List<Double> perSecond = sorted(replays, CrewstreamCommand.Result::linesPerSecond);
        report.figure("./crewstream replay 1 h --format jsonl --speed max (" + frames + " frames, "
                + replays.get(0).bytes() / 1_000_000 + " MB), " + runs + " runs: start to first byte min / median / "
                + "max", spread(firstBytes), "<= 1 s", max(firstBytes) <= FIRST_FRAME_GOAL_MS);
        report.figure("./crewstream replay 1 h: frames/s from first byte to end of output, min / median / max",
                String.format("%.0f / %.0f / %.0f frames/s", perSecond.get(0), median(perSecond), max(perSecond)),
                ">= 50,000/s", perSecond.get(0) >= FRAMES_PER_SECOND_GOAL);
        report.figure("./crewstream replay 1 h: start to exit, min / median / max",
                spread(sorted(replays, CrewstreamCommand.Result::exitMs)), "-", null);
    }

    /**
     * One run of the script, its figures printed and kept in the details; stderr in the bench logs. A run that had to
     * build the launcher first (a source changed since the last build) is not timed but run again; when it is the
     * first run, with the script's extracted jar and class-data archive deleted again (the script's own cache, which
     * it also rebuilds when the jar changes).
     */
    private static CrewstreamCommand.Result command(BenchContext context, String bootstrap, ArrayNode details,
            String name, List<String> args, boolean first) throws Exception {
        for (int attempt = 1;; attempt++) {
            if (first) {
                deleteTree(context.repository().resolve(".crewstream/app"));
            }
            CrewstreamCommand.Result run = CrewstreamCommand.run(context.repository(), bootstrap,
                    context.logs().resolve("replay-command-" + name + ".stderr.log"), "{\"kind\":\"session\"", args);
            if (run.built()) {
                details.addObject().put("run", name).put("rebuiltLauncher", true);
                if (attempt == 3) {
                    throw new IllegalStateException("./crewstream rebuilt the launcher three times in a row: sources "
                            + "keep changing under " + context.repository());
                }
                System.out.println("[bench] ./crewstream " + name + " built the launcher first (a source changed): "
                        + "not timed, run again");
                continue;
            }
            String load = Machine.loadAverage();
            System.out.printf("[bench] ./crewstream %s: first byte %.0f ms, end of output %.0f ms, exit %.0f ms, "
                    + "%d lines (%d sessions), %d bytes (load average %s)%n", name, run.firstByteMs(),
                    run.endOfOutputMs(), run.exitMs(), run.lines(), run.matching(), run.bytes(), load);
            details.addObject().put("run", name).put("args", String.join(" ", args))
                    .put("firstByteMs", run.firstByteMs()).put("endOfOutputMs", run.endOfOutputMs())
                    .put("exitMs", run.exitMs()).put("lines", run.lines()).put("sessionLines", run.matching())
                    .put("bytes", run.bytes()).put("linesPerSecond", run.linesPerSecond()).put("loadAverage", load);
            return run;
        }
    }

    /** The replay page's table: {@code GET /api/replay/state} of a gateway process, with the fields it asks. */
    private static void page(Report report, BenchContext context, TopicNamespace namespace, Question question,
            int runs, String heap) throws Exception {
        String fields = tableFields(context.repository());
        report.details().put("pageFields", fields);
        report.details().put("loadAverageBeforePage", Machine.loadAverage());
        try (GatewayUnderTest gateway = GatewayUnderTest.start(context, namespace.prefix(), heap)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ArrayNode details = report.details().putArray("page");
            PageAnswer first = askPage(http, gateway, question, question.worst(), fields, details);
            report.figure("replay page's table (GET /api/replay/state, " + fields.split(",").length + " fields), "
                    + "first request of the gateway, worst case", ms(first.millis()) + ", " + kb(first.bytes()),
                    "<= 1 s", first.millis() <= PAGE_GOAL_MS);
            for (Instant at : List.of(question.worst(), question.oneHourIn())) {
                List<Double> times = new ArrayList<>();
                long bytes = 0;
                for (int i = 0; i < runs; i++) {
                    PageAnswer answer = askPage(http, gateway, question, at, fields, details);
                    times.add(answer.millis());
                    bytes = answer.bytes();
                }
                times.sort(Comparator.naturalOrder());
                report.figure("replay page's table, " + (at.equals(question.worst()) ? "worst case " : "1 h in ")
                        + question.offset(at) + ", " + runs + " requests: min / median / max",
                        spread(times) + ", " + kb(bytes), "<= 1 s", max(times) <= PAGE_GOAL_MS);
            }
            PageAnswer whole = askPage(http, gateway, question, question.worst(), null, details);
            report.figure("GET /api/replay/state without fields= (whole rows), worst case",
                    ms(whole.millis()) + ", " + kb(whole.bytes()), "-", null);
            report.details().put("gatewayRssKb", gateway.rssKb());
        }
    }

    private record PageAnswer(double millis, long bytes) {
    }

    /** One request, timed from sending to the last byte of the body; its sessions counted after. */
    private static PageAnswer askPage(HttpClient http, GatewayUnderTest gateway, Question question, Instant at,
            String fields, ArrayNode details) throws Exception {
        String query = "?connection=" + ReplayHistory.CONNECTION_ID + "&at="
                + URLEncoder.encode(at.toString(), StandardCharsets.UTF_8)
                + (fields == null ? "" : "&fields=" + URLEncoder.encode(fields, StandardCharsets.UTF_8));
        URI uri = gateway.uri("/api/replay/state" + query);
        long begin = System.nanoTime();
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        double millis = (System.nanoTime() - begin) / 1e6;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        int sessions = ContractJson.mapper().readTree(response.body()).path("sessions").size();
        check(sessions, question.history().sessionsAt(at), "sessions", List.of("GET", uri.toString()));
        String load = Machine.loadAverage();
        System.out.printf("[bench] GET /api/replay/state at %s%s: %.0f ms, %d bytes, %d sessions (load average "
                + "%s)%n", question.offset(at), fields == null ? " (whole rows)" : "", millis,
                response.body().length, sessions, load);
        details.addObject().put("at", question.offset(at)).put("fields", fields != null).put("ms", millis)
                .put("bytes", response.body().length).put("sessions", sessions).put("loadAverage", load);
        return new PageAnswer(millis, response.body().length);
    }

    /** The fields the replay page asks for its table: {@code TABLE_FIELDS} in the gateway's replay.js. */
    static String tableFields(Path repository) throws IOException {
        String script = Files.readString(repository.resolve("sse-gateway/src/main/resources/static/replay.js"));
        Matcher list = Pattern.compile("TABLE_FIELDS\\s*=\\s*\\[([^\\]]*)\\]").matcher(script);
        if (!list.find()) {
            throw new IllegalStateException("no TABLE_FIELDS list in replay.js");
        }
        return list.group(1).replaceAll("[\\s'\"]", "");
    }

    /** The engine through its Java API in this JVM, a fresh call each time. */
    private static void stateAt(Report report, Replay replay, Question question, Duration span, int queries) {
        Instant worst = question.worst();
        List<Instant> instants = new ArrayList<>();
        instants.add(worst);
        instants.add(question.oneHourIn());
        for (int i = 0; i < queries - 2; i++) {
            instants.add(question.start().plus(span.multipliedBy(2L * i + 1).dividedBy(2L * (queries - 2))));
        }
        instants.sort(Comparator.naturalOrder());
        ArrayNode runs = report.details().putArray("stateAt");
        StateAt cold = timeStateAt(replay, worst);
        check(cold.sessions(), question.history().sessionsAt(worst), "sessions", List.of("stateAt"));
        report.figure(ENGINE + "state-at, first call (worst case " + question.offset(worst) + ")",
                ms(cold.millis()) + ", " + cold.sessions() + " sessions", "<= 2 s", cold.millis() <= STATE_AT_GOAL_MS);
        List<Double> times = new ArrayList<>();
        for (Instant at : instants) {
            StateAt run = timeStateAt(replay, at);
            check(run.sessions(), question.history().sessionsAt(at), "sessions", List.of("stateAt"));
            times.add(run.millis());
            runs.addObject().put("at", question.offset(at)).put("ms", run.millis()).put("sessions", run.sessions())
                    .put("basis", run.basis()).put("worstCase", at.equals(worst));
            System.out.printf("[bench] state-at %s: %.0f ms, %d sessions, from %s%n", question.offset(at),
                    run.millis(), run.sessions(), run.basis());
        }
        List<Double> sorted = times.stream().sorted().toList();
        report.figure(ENGINE + "state-at, " + instants.size() + " instants (incl. worst case, 1 h in): min / median "
                + "/ max", spread(sorted), "<= 2 s", max(sorted) <= STATE_AT_GOAL_MS);
        report.figure(ENGINE + "state-at at the worst case / 1 h in", ms(times.get(instants.indexOf(worst)))
                + " / " + ms(times.get(instants.indexOf(question.oneHourIn()))), "<= 2 s", null);
    }

    private static void frames(Report report, Replay replay, Question question, String session) {
        Instant from = question.start();
        Instant to = question.oneHourIn();
        long expected = question.history().framesIn(from, to, false);
        ArrayNode runs = report.details().putArray("frames");
        for (int i = 0; i < 3; i++) {
            FrameRun run = timeFrames(replay, from, to, null);
            check(run.frames(), expected, "frames", List.of("frames"));
            runs.addObject().put("firstFrameMs", run.firstFrameMillis()).put("totalMs", run.totalMillis())
                    .put("frames", run.frames()).put("bytes", run.bytes()).put("framesPerSecond", run.perSecond());
            String which = i == 0 ? "first call" : "call " + (i + 1);
            report.figure(ENGINE + "replay 1 h (" + run.frames() + " frames, " + run.bytes() / 1_000_000
                    + " MB jsonl), " + which + ": first frame", ms(run.firstFrameMillis()), "<= 1 s",
                    run.firstFrameMillis() <= FIRST_FRAME_GOAL_MS);
            report.figure(ENGINE + "replay 1 h, " + which + ": throughput (total " + ms(run.totalMillis()) + ")",
                    String.format("%.0f frames/s", run.perSecond()), ">= 50,000/s",
                    run.perSecond() >= FRAMES_PER_SECOND_GOAL);
        }
        FrameRun one = timeFrames(replay, from, to, session);
        check(one.frames(), question.history().framesIn(from, to, true), "frames", List.of("frames", session));
        report.figure(ENGINE + "replay 1 h --session " + session + " (" + one.frames() + " frames): first frame / "
                + "total", ms(one.firstFrameMillis()) + " / " + ms(one.totalMillis()), "-", null);
        report.details().set("framesOneSession", report.details().objectNode()
                .put("firstFrameMs", one.firstFrameMillis()).put("totalMs", one.totalMillis())
                .put("frames", one.frames()).put("scannedPerSecond", expected * 1000.0 / one.totalMillis()));
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

    private static void check(long found, long expected, String what, List<String> question) {
        if (found != expected) {
            throw new IllegalStateException(String.join(" ", question) + " gave " + found + " " + what
                    + ", the history had " + expected);
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

    private static String kb(long bytes) {
        return String.format("%.0f kB", bytes / 1000.0);
    }

    private static <T> List<Double> sorted(List<T> runs, ToDoubleFunction<T> figure) {
        return runs.stream().map(figure::applyAsDouble).sorted().toList();
    }

    private static double max(List<Double> sorted) {
        return sorted.get(sorted.size() - 1);
    }

    private static String spread(List<Double> sorted) {
        return String.format("%.0f / %.0f / %.0f ms", sorted.get(0), median(sorted), max(sorted));
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
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
}
