package io.crewstream.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.node.ObjectNode;

/** What the numbers were measured on: cores, memory, Java, and how busy the machine was. */
public final class Machine {

    private Machine() {
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg states them. */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        }
        catch (IOException ex) {
            return "unknown";
        }
    }

    public static void describe(ObjectNode into) {
        into.put("cpus", Runtime.getRuntime().availableProcessors());
        into.put("memTotalKb", memTotalKb());
        into.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        into.put("loadAverageAtEnd", loadAverage());
    }

    private static long memTotalKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
