package io.crewstream.bench.report;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class JfrHotFramesTest {

    @TempDir
    Path dir;

    private static volatile long sink;

    @Test
    void namesTheMethodThatBurnedTheCpuAndCountsOnlyTheSamplesInsideTheWindow() throws Exception {
        Path file = this.dir.resolve("burn.jfr");
        Instant from;
        Instant to;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            from = Instant.now();
            // Long enough that a loaded 2-core machine, which may deschedule this thread at the sampler's ticks,
            // still leaves samples in the window (600 ms left none once in CI).
            burnFor(Duration.ofSeconds(2));
            to = Instant.now();
            recording.stop();
            recording.dump(file);
        }

        JfrHotFrames inWindow = JfrHotFrames.read(file, from, to);
        assertThat(inWindow.samples()).isPositive();
        assertThat(inWindow.summary(5)).contains(JfrHotFramesTest.class.getName() + ".burnFor");
        assertThat(JfrHotFrames.read(file, to.plusSeconds(60), to.plusSeconds(120)).samples())
                .as("a window after the recording").isZero();
    }

    private static void burnFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        long x = 0;
        while (System.nanoTime() < end) {
            x += Long.numberOfTrailingZeros(x * 31 + 7);
        }
        sink = x;
    }
}
