package io.crewstream.streams;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.crewstream.schemas.Topic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An app's lifecycle and health while Kafka does not answer: it waits, says why, and stops when told. */
class StreamsLifecycleTest {

    @TempDir
    Path stateDir;

    @Test
    void stoppedItIsOutOfServiceWithNothingRunning() {
        TestAppProperties properties = TestAppProperties.of("localhost:1", this.stateDir);
        TestStreams streams = new TestStreams(properties);

        Health health = new TestHealth(streams, properties).health();

        assertThat(streams.startup().phase()).isEqualTo(Startup.Phase.NOT_STARTED);
        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails()).containsEntry("state", KafkaStreams.State.NOT_RUNNING.name())
                .containsEntry("activeTasks", Set.of()).containsEntry("own", "detail")
                .doesNotContainKey("reason");
    }

    @Test
    void waitsForKafkaWithTheReasonInHealthAndStopEndsTheWait() throws IOException {
        TestAppProperties properties = TestAppProperties.of("localhost:" + freePort(), this.stateDir);
        TestStreams streams = new TestStreams(properties);
        streams.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> streams.startup().phase(),
                    phase -> phase == Startup.Phase.WAITING_FOR_KAFKA);

            Health health = new TestHealth(streams, properties).health();
            assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(health.getDetails()).containsEntry("state", Startup.Phase.WAITING_FOR_KAFKA.name())
                    .containsKeys("reason", "failedAttempts");
        }
        finally {
            streams.stop();
        }
        assertThat(streams.isRunning()).isFalse();
        assertThat(streams.startup().phase()).isEqualTo(Startup.Phase.NOT_STARTED);
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static final class TestStreams extends StreamsLifecycle {

        TestStreams(TestAppProperties properties) {
            super(properties, properties.kafka(), "test", "Test", new AppTopics(List.of(Topic.SESSION_STATE), List.of(), false),
                    new ThreadFailures(Clock.systemUTC()));
        }

        @Override
        protected Properties settings() {
            throw new AssertionError("not reached: Kafka never answers");
        }

        @Override
        protected Topology topology(Properties settings) {
            throw new AssertionError("not reached: Kafka never answers");
        }
    }

    private static final class TestHealth extends StreamsHealthIndicator {

        TestHealth(StreamsLifecycle streams, TestAppProperties properties) {
            // Never started: no verdict on progress, which is not this test's subject.
            super(streams, new ProgressMonitor(properties, properties.kafka(), streams, new ThreadFailures(Clock.systemUTC()),
                    Clock.systemUTC()));
        }

        @Override
        protected void details(Health.Builder health) {
            health.withDetail("own", "detail");
        }
    }
}
