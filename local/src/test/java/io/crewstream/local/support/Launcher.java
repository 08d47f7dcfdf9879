package io.crewstream.local.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code ./crewstream} for real: the launcher's executable jar (what the script runs) in its own process, with the
 * script's JVM options, its standard output and error collected line by line. {@link #close()} sends SIGTERM (what
 * Ctrl-C's shutdown path runs) and waits for it to end.
 *
 * <p>Threading: one reader thread collects the output into a thread-safe list; the test's thread does the rest.
 */
public final class Launcher implements AutoCloseable {

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private Launcher(Process process) {
        this.process = process;
        this.reader = new Thread(this::readLines, "launcher-output");
        this.reader.setDaemon(true);
    }

    /**
     * @param workingDirectory where {@code .crewstream/} is kept
     * @param environment changes the launcher's environment (inherited from the test's), before it starts
     * @param arguments the command line, e.g. {@code --demo --port N --kafka-port N}
     */
    public static Launcher start(Path workingDirectory, Consumer<Map<String, String>> environment,
            String... arguments) {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true);
        environment.accept(builder.environment());
        try {
            Launcher launcher = new Launcher(builder.start());
            launcher.reader.start();
            return launcher;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot start " + command, ex);
        }
    }

    /** Every line printed so far. */
    public List<String> output() {
        return List.copyOf(this.output);
    }

    public boolean isAlive() {
        return this.process.isAlive();
    }

    /** SIGTERM, then up to 60 s for the shutdown hook to finish; the output is read to its end. */
    @Override
    public void close() throws InterruptedException {
        // Through the handle: Process.destroy() would also close the output pipe being read.
        this.process.toHandle().destroy();
        if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
            this.process.destroyForcibly();
        }
        this.reader.join(5000);
    }

    /** A port whose successor is free too: the embedded broker's controller listens on it. */
    public static int freePortPair() {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = FreePorts.next();
            if (port < 65535) {
                try (ServerSocket next = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                    return port;
                }
                catch (IOException ex) {
                    // Taken: try another.
                }
            }
        }
        throw new IllegalStateException("no two consecutive free ports found");
    }

    private static Path jar() {
        Path target = Path.of(System.getProperty("crewstream.local.target", "target"));
        String name = System.getProperty("crewstream.local.final-name", "crewstream-local-0.1.0-SNAPSHOT");
        Path exec = target.resolve(name + "-exec.jar");
        return Files.exists(exec) ? exec : target.resolve(name + ".jar");
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void readLines() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                this.output.add(line);
            }
        }
        catch (IOException ex) {
            // The process ended.
        }
    }
}
