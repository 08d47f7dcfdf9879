package io.crewstream.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.crewstream.local.support.FreePorts;
import io.crewstream.local.support.Launcher;
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
        int kafkaPort = Launcher.freePortPair();
        // The embedded broker path: no external cluster.
        Launcher launcher = Launcher.start(this.workingDirectory,
                environment -> environment.remove("KAFKA_BOOTSTRAP_SERVERS"), "--demo",
                "--port", Integer.toString(dashboardPort), "--kafka-port", Integer.toString(kafkaPort));
        try {
            await().atMost(PATIENCE).until(() -> launcher.output().stream()
                    .anyMatch(line -> line.contains("crewstream: Ready in")) || !launcher.isAlive());
            List<String> output = launcher.output();
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
            launcher.close();
        }
        assertThat(launcher.output()).as("the shutdown hook ran to the end").contains("crewstream: Stopped.");
    }
}
