package io.crewstream.bench.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resident memory and CPU time of a process, read from /proc. */
public final class ProcessStats {

    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private ProcessStats() {
    }

    /** VmRSS of the process in KiB, or -1 when it is gone. */
    public static long rssKb(long pid) {
        return statusField(pid, "VmRSS:");
    }

    /** User plus system CPU seconds the process has used so far (Linux USER_HZ is 100), or -1 when it is gone. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long user = Long.parseLong(fields[11]);
            long system = Long.parseLong(fields[12]);
            return (user + system) / CLOCK_TICKS_PER_SECOND;
        }
        catch (IOException | RuntimeException ex) {
            return -1;
        }
    }

    /** Open file descriptors of the process, or -1 when they cannot be listed. */
    public static long openFiles(long pid) {
        try (var entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return entries.count();
        }
        catch (IOException ex) {
            return -1;
        }
    }

    /**
     * The lines of {@code jcmd GC.heap_info} that together make up the heap: G1's one line, or Serial's and Parallel's
     * young and old generations (their spaces' lines below them are parts of these). ZGC prints other lines (in MB).
     */
    private static final Pattern HEAP_USED = Pattern.compile(
            "^\\s*(?:garbage-first heap|def new generation|tenured generation|PSYoungGen|ParOldGen)\\s+total \\d+K, "
                    + "used (\\d+)K", Pattern.MULTILINE);

    private static final long JCMD_TIMEOUT_SECONDS = 60;

    /**
     * A JVM's live heap in KiB: a full GC ({@code jcmd <pid> GC.run}), then what G1 (or Serial, or Parallel) reports
     * as used in {@code GC.heap_info}; -1 when that fails (not a JVM, jcmd missing or slow, ZGC). RSS
     * under-counts heap objects of a JVM whose fixed heap is already touched, so the memory figures of JVM subjects
     * report both.
     */
    public static long liveHeapKb(long pid) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            run(jcmd, String.valueOf(pid), "GC.run");
            return heapUsedKb(run(jcmd, String.valueOf(pid), "GC.heap_info"));
        }
        catch (IOException ex) {
            return -1;
        }
    }

    /** The heap's used KiB in a {@code GC.heap_info} text (the generations summed); -1 when no line is known. */
    static long heapUsedKb(String heapInfo) {
        Matcher used = HEAP_USED.matcher(heapInfo);
        long total = -1;
        while (used.find()) {
            total = Math.max(total, 0) + Long.parseLong(used.group(1));
        }
        return total;
    }

    /** Live threads of the process ({@code Threads:} in /proc/<pid>/status), or -1 when it is gone. */
    public static long threads(long pid) {
        return statusField(pid, "Threads:");
    }

    private static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }
        catch (IOException ex) {
            return -1;
        }
    }

    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took longer than " + JCMD_TIMEOUT_SECONDS + " s");
            }
            return output;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException(ex);
        }
    }
}
