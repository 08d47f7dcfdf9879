package io.crewstream.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM spent its CPU within one wall-clock window, from the {@code jdk.ExecutionSample} events of a flight
 * recording (Java code on CPU; native and blocked time are not in it): the hottest methods by self samples (the
 * frame on top), the hottest crewstream methods including what they call (each counted once per sample), and the
 * samples by thread. A process records its whole life; the window picks out the part a scenario times. Java 17 has
 * no {@code jfr view hot-methods}, so this is that view over a window.
 *
 * <p>Pure: reads a file, keeps nothing open.
 */
public final class JfrHotFrames {

    private static final String OWN_PACKAGE = "io.crewstream.";

    private final int samples;

    private final Map<String, Integer> self;

    private final Map<String, Integer> ownInclusive;

    private final Map<String, Integer> threads;

    private JfrHotFrames(int samples, Map<String, Integer> self, Map<String, Integer> ownInclusive,
            Map<String, Integer> threads) {
        this.samples = samples;
        this.self = self;
        this.ownInclusive = ownInclusive;
        this.threads = threads;
    }

    /**
     * {@code JfrHotFrames <recording.jfr> [<from> <to>] [<limit>]}: prints the summary of a recording, within a window
     * of ISO-8601 instants if given, e.g. {@code java -cp bench/target/classes io.crewstream.bench.report.JfrHotFrames
     * bench/target/jfr/big-snapshot-projector.jfr 2026-12-02T17:49:56Z 2026-12-02T17:50:10Z}.
     */
    public static void main(String[] args) {
        if (args.length != 1 && args.length != 3 && args.length != 4) {
            System.err.println("usage: JfrHotFrames <recording.jfr> [<from> <to> [<limit>]]");
            System.exit(2);
        }
        Instant from = args.length > 1 ? Instant.parse(args[1]) : Instant.MIN;
        Instant to = args.length > 1 ? Instant.parse(args[2]) : Instant.MAX;
        System.out.print(read(Path.of(args[0]), from, to).summary(args.length == 4 ? Integer.parseInt(args[3]) : 15));
    }

    /** The execution samples of {@code recording} that fall within {@code from}..{@code to}. */
    public static JfrHotFrames read(Path recording, Instant from, Instant to) {
        int samples = 0;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> ownInclusive = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                        || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                self.merge(name(frames.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String name = name(frame);
                    if (name.startsWith(OWN_PACKAGE) && seen.add(name)) {
                        ownInclusive.merge(name, 1, Integer::sum);
                    }
                }
                RecordedThread thread = event.getThread("sampledThread");
                threads.merge(thread == null ? "?" : threadGroup(thread.getJavaName()), 1, Integer::sum);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not read " + recording, ex);
        }
        return new JfrHotFrames(samples, self, ownInclusive, threads);
    }

    public int samples() {
        return this.samples;
    }

    /** The summary: samples, then the top {@code limit} of each view with its share of the samples. */
    public String summary(int limit) {
        StringBuilder out = new StringBuilder();
        out.append(this.samples).append(" execution samples in the window\n");
        section(out, "by thread", this.threads, limit);
        section(out, "hottest methods (self)", this.self, limit);
        section(out, "crewstream methods (including callees)", this.ownInclusive, limit);
        return out.toString();
    }

    private void section(StringBuilder out, String title, Map<String, Integer> counts, int limit) {
        out.append("  ").append(title).append(":\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(limit).forEach(entry -> out.append(String.format("    %5.1f %%  %s%n",
                        100.0 * entry.getValue() / Math.max(1, this.samples), entry.getKey())));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** A thread's name without its trailing number, so that a pool's threads add up. */
    private static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("[-#]?\\d+$", "");
    }
}
