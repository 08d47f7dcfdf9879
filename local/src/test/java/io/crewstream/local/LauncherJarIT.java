package io.crewstream.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.crewstream.local.support.FreePorts;
import io.crewstream.local.support.SseClient;
import io.crewstream.schemas.sse.SseEventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ./crewstream --demo} for real: the executable jar in its own process, with its embedded KRaft broker, its
 * demo gateway and the three apps, checked by an HTTP SSE client, then stopped with SIGTERM (what Ctrl-C's
 * shutdown path runs).
 */
class LauncherJarIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    Path workingDirectory;

    @Test
    void demoCommandServesLiveSessionsOverSseAndStopsCleanlyOnSigterm() throws Exception {
        int dashboardPort = FreePorts.next();
        int kafkaPort = freePortPair();
        ProcessBuilder command = new ProcessBuilder(javaExecutable(), "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", launcherJar().toString(), "--demo",
                "--port", Integer.toString(dashboardPort), "--kafka-port", Integer.toString(kafkaPort))
                .directory(this.workingDirectory.toFile())
                .redirectErrorStream(true);
        // The embedded broker path: no external cluster.
        command.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        Process launcher = command.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(launcher, output), "launcher-output");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(PATIENCE).until(() -> output.stream().anyMatch(line -> line.contains("crewstream: Ready in"))
                    || !launcher.isAlive());
            assertThat(launcher.isAlive()).as(String.join("\n", output)).isTrue();
            assertThat(output).anyMatch(line -> line.startsWith("crewstream: Kafka broker up at localhost:" + kafkaPort))
                    .anyMatch(line -> line.startsWith("crewstream: Upstream 'demo' connected"));
            assertThat(this.workingDirectory.resolve(".crewstream/kafka/meta.properties")).exists();

            try (SseClient browser = SseClient.connect(dashboardPort)) {
                await().atMost(PATIENCE).until(() -> !browser.events(SseEventType.SESSIONS_REFRESH).isEmpty());
                assertThat(browser.events(SseEventType.SESSIONS_REFRESH).get(0).json().path("sessions").size())
                        .isEqualTo(40);
                await().atMost(PATIENCE).until(() -> !browser.events(SseEventType.SESSION_UPDATED).isEmpty());
            }
        }
        finally {
            // SIGTERM through the handle: Process.destroy() would also close the output pipe we read from.
            launcher.toHandle().destroy();
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
        }
        reader.join(5000);
        assertThat(output).as("the shutdown hook ran to the end").contains("crewstream: Stopped.");
    }

    private static Path launcherJar() {
        Path target = Path.of(System.getProperty("crewstream.local.target", "target"));
        String name = System.getProperty("crewstream.local.final-name", "crewstream-local-0.1.0-SNAPSHOT");
        Path exec = target.resolve(name + "-exec.jar");
        return Files.exists(exec) ? exec : target.resolve(name + ".jar");
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port whose successor is free too: the broker's controller listens on it. */
    private static int freePortPair() throws IOException {
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
        throw new IOException("no two consecutive free ports found");
    }

    private static void readLines(Process process, List<String> into) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                into.add(line);
            }
        }
        catch (IOException ex) {
            // The process ended.
        }
    }
}
