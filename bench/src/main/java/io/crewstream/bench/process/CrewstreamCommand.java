package io.crewstream.bench.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of the repository's run script as a user types it: {@code bash <repo>/crewstream <args>} with
 * {@code KAFKA_BOOTSTRAP_SERVERS} set and the script's default JVM options ({@code CREWSTREAM_JAVA_OPTS} unset),
 * timed from just before the process starts. A thread of its own reads standard output and counts bytes, lines and
 * lines that start with a prefix, keeping none of them; standard error goes to a log file, shown when the command
 * exits with anything but 0.
 */
public final class CrewstreamCommand {

    /**
     * Milliseconds from the process's start to its first byte on stdout, to stdout's end and to its exit; what it
     * wrote; whether the script built the launcher first (a pom or a source was newer than the jar).
     */
    public record Result(double firstByteMs, double endOfOutputMs, double exitMs, long lines, long matching,
            long bytes, boolean built) {

        /** Lines per second from the first byte to the end of the output. */
        public double linesPerSecond() {
            return this.lines * 1000.0 / (this.endOfOutputMs - this.firstByteMs);
        }
    }

    private CrewstreamCommand() {
    }

    /**
     * Runs {@code ./crewstream args} and waits for it.
     *
     * @param linePrefix the start of the lines to count as {@link Result#matching()}
     */
    public static Result run(Path repository, String bootstrapServers, Path stderrLog, String linePrefix,
            List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", repository.resolve("crewstream").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(repository.toFile())
                .redirectError(stderrLog.toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        builder.environment().remove("CREWSTREAM_JAVA_OPTS");
        Files.createDirectories(stderrLog.getParent());
        long begin = System.nanoTime();
        Process process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        OutputCounter counter = new OutputCounter(process.getInputStream(),
                linePrefix.getBytes(StandardCharsets.UTF_8));
        Thread reader = new Thread(counter, "bench-crewstream-stdout");
        reader.setDaemon(true);
        reader.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("./crewstream " + String.join(" ", args) + " did not end in 5 minutes");
        }
        long exit = System.nanoTime();
        reader.join(Duration.ofSeconds(30).toMillis());
        if (reader.isAlive()) {
            throw new IllegalStateException("./crewstream " + String.join(" ", args) + " exited, but its standard "
                    + "output stayed open (a child process holding it?)");
        }
        String stderr = Files.readString(stderrLog);
        if (process.exitValue() != 0 || counter.failure != null) {
            throw new IllegalStateException("./crewstream " + String.join(" ", args) + " exited with "
                    + process.exitValue() + (counter.failure == null ? "" : " (stdout: " + counter.failure + ")")
                    + "; its standard error:\n" + stderr);
        }
        return new Result(millis(begin, counter.firstByte), millis(begin, counter.end), millis(begin, exit),
                counter.lines, counter.matching, counter.bytes, stderr.contains("crewstream: building"));
    }

    private static double millis(long from, long to) {
        return (to - from) / 1e6;
    }

    /** Counts what a process writes and keeps none of it; read after its thread ended. */
    private static final class OutputCounter implements Runnable {

        private final InputStream in;

        private final byte[] prefix;

        private long firstByte;

        private long end;

        private long lines;

        private long matching;

        private long bytes;

        private IOException failure;

        OutputCounter(InputStream in, byte[] prefix) {
            this.in = in;
            this.prefix = prefix;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[64 * 1024];
            long lineCount = 0;
            long matchCount = 0;
            long byteCount = 0;
            // Position in the current line; the line still matches the prefix while 'matches'.
            int column = 0;
            boolean matches = true;
            try (InputStream stream = this.in) {
                int read;
                while ((read = stream.read(buffer)) >= 0) {
                    if (byteCount == 0 && read > 0) {
                        this.firstByte = System.nanoTime();
                    }
                    byteCount += read;
                    for (int i = 0; i < read; i++) {
                        byte b = buffer[i];
                        if (b == '\n') {
                            lineCount++;
                            matchCount += (matches && column >= this.prefix.length) ? 1 : 0;
                            column = 0;
                            matches = true;
                            continue;
                        }
                        if (column < this.prefix.length && b != this.prefix[column]) {
                            matches = false;
                        }
                        column++;
                    }
                }
            }
            catch (IOException ex) {
                this.failure = ex;
            }
            this.end = System.nanoTime();
            this.firstByte = byteCount == 0 ? this.end : this.firstByte;
            this.lines = lineCount;
            this.matching = matchCount;
            this.bytes = byteCount;
        }
    }
}
