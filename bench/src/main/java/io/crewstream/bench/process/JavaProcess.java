package io.crewstream.bench.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM started by the harness: a load client, the SSE gateway, the ingestor or the projector. Its combined output
 * goes to a log file; lines are also queued so that the harness can wait for a marker line.
 *
 * <p>Threading: one daemon thread per process pumps its output; {@link #awaitLine} and {@link #send} may be called
 * from any one thread at a time.
 */
public final class JavaProcess implements AutoCloseable {

    private final String name;

    private final Process process;

    private final PrintWriter input;

    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private JavaProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.input = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts {@code java <jvmOptions> <launch...>} where launch is {@code -cp cp Main args} or {@code -jar x args}. */
    public static JavaProcess start(String name, Path logDir, List<String> jvmOptions, List<String> launch,
            Map<String, String> environment) {
        return start(name, logDir, jvmOptions, launch, environment, null);
    }

    /** As above, in {@code workingDirectory} (null: this process's). */
    public static JavaProcess start(String name, Path logDir, List<String> jvmOptions, List<String> launch,
            Map<String, String> environment, Path workingDirectory) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(launch);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        try {
            Files.createDirectories(logDir);
            Process process = builder.start();
            JavaProcess started = new JavaProcess(name, process);
            started.pump(logDir.resolve(name + ".log"));
            // A harness that fails half way must not leave services or load clients behind.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            return started;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not start " + name, ex);
        }
    }

    /** This JVM's own classpath: the bench module's runtime classpath when started as BENCHMARKS.md says. */
    public static String ownClasspath() {
        return System.getProperty("java.class.path");
    }

    private void pump(Path log) {
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
                    Writer out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    out.write(line);
                    out.write('\n');
                    out.flush();
                    this.lines.add(line);
                }
            }
            catch (IOException ex) {
                this.lines.add("[bench] output of " + this.name + " failed: " + ex);
            }
        }, "bench-output-" + this.name);
        pump.setDaemon(true);
        pump.start();
    }

    public long pid() {
        return this.process.pid();
    }

    public String name() {
        return this.name;
    }

    /** Waits for the first line matching, skipping others; fails when the process ends or the time is up. */
    public String awaitLine(Predicate<String> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = this.lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)),
                        TimeUnit.NANOSECONDS);
                if (line != null && matching.test(line)) {
                    return line;
                }
                if (line == null && !this.process.isAlive() && this.lines.isEmpty()) {
                    throw new IllegalStateException(this.name + " exited with " + this.process.exitValue()
                            + " before printing the expected line; see its log");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(this.name + " did not print the expected line within " + timeout);
                }
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Writes one command line to the process's standard input. */
    public void send(String command) {
        this.input.println(command);
    }

    public boolean isAlive() {
        return this.process.isAlive();
    }

    /** Ends the process with SIGKILL ({@code kill -9}: no shutdown hook runs, nothing is flushed) and waits for it. */
    public void kill() {
        try {
            this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the process (SIGTERM, then SIGKILL after 10 s) and waits for it. */
    @Override
    public void close() {
        this.process.destroy();
        try {
            if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
