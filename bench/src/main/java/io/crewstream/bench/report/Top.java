package io.crewstream.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A snapshot of {@code top -b -n1}: which processes held the CPUs while a scenario ran. */
public final class Top {

    private Top() {
    }

    public static String snapshot() {
        try {
            Process top = new ProcessBuilder("top", "-b", "-n", "1", "-w", "160").redirectErrorStream(true).start();
            String output = new String(top.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            top.waitFor(10, TimeUnit.SECONDS);
            return output.lines().limit(20).reduce("", (a, b) -> a + b + "\n");
        }
        catch (IOException ex) {
            return "top unavailable: " + ex.getMessage();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
