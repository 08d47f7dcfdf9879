package io.crewstream.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory and CPU time of a process, read from /proc. */
public final class ProcessStats {

    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private ProcessStats() {
    }

    /** VmRSS of the process in KiB, or -1 when it is gone. */
    public static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }
        catch (IOException ex) {
            return -1;
        }
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
}
