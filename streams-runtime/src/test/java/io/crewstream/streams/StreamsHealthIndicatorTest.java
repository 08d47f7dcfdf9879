package io.crewstream.streams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An app's health on a real broker once its stream threads run: up while it holds a task and nothing waits
 * unprocessed, idle or not; an instance that runs but holds none (here: a second instance of an app whose input has
 * one partition) is down.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StreamsHealthIndicatorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    @Test
    void anInstanceHoldingNoTaskIsDownAndTakesOverAndIsUpWhenTheHolderStops(KafkaBroker broker) throws IOException {
        String prefix = broker.uniquePrefix("health-tasks");
        Instance first = new Instance(properties(broker, prefix, "pod-1"));
        Instance second = new Instance(properties(broker, prefix, "pod-2"));
        first.start();
        second.start();
        try {
            await().atMost(PATIENCE).until(() -> first.streams.state() == KafkaStreams.State.RUNNING
                    && second.streams.state() == KafkaStreams.State.RUNNING
                    && first.streams.activeTasks().size() + second.streams.activeTasks().size() == 1);
            Instance holder = first.streams.activeTasks().isEmpty() ? second : first;
            Instance spare = (holder == first) ? second : first;

            Health spareHealth = spare.health.health();
            assertThat(spareHealth.getStatus()).isEqualTo(Status.DOWN);
            assertThat(spareHealth.getDetails()).containsEntry("state", KafkaStreams.State.RUNNING.name())
                    .containsEntry("reason", StreamsHealthIndicator.NO_ACTIVE_TASK)
                    .containsEntry("activeTasks", Set.of());
            // Idle (no record ever arrives) but holding its task, its progress sampled: nothing wrong.
            await().atMost(PATIENCE).until(() -> holder.progress.verdict().state() != ProgressWatch.State.UNKNOWN);
            Health holderHealth = holder.health.health();
            assertThat(holderHealth.getStatus()).isEqualTo(Status.UP);
            assertThat(holderHealth.getDetails()).containsEntry("activeTasks", Set.of("0_0"))
                    .containsEntry("lag", 0L).doesNotContainKey("reason").doesNotContainKey("stalledPartitions");

            holder.stop();

            await().atMost(PATIENCE).untilAsserted(() -> {
                Health health = spare.health.health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("activeTasks", Set.of("0_0"));
            });
        }
        finally {
            first.stop();
            second.stop();
        }
    }

    /** One instance of the app: its streams, its progress monitor (stall timeout 1 s) and its health. */
    private static final class Instance {

        private final PassThroughStreams streams;

        private final ProgressMonitor progress;

        private final TestHealth health;

        Instance(TestAppProperties properties) {
            this.streams = new PassThroughStreams(properties);
            this.progress = new ProgressMonitor(properties, properties.kafka(), this.streams, new ThreadFailures(Clock.systemUTC()),
                    Clock.systemUTC());
            this.health = new TestHealth(this.streams, this.progress);
        }

        void start() {
            this.streams.start();
            this.progress.start();
        }

        void stop() {
            this.progress.stop();
            this.streams.stop();
        }
    }

    private TestAppProperties properties(KafkaBroker broker, String prefix, String instanceId) throws IOException {
        return new TestAppProperties(broker.bootstrapServers(), prefix + "app", instanceId,
                new TopicNamespace(prefix), 1, TopicReplication.SINGLE, StreamsConfig.AT_LEAST_ONCE, Duration.ofMillis(100),
                Files.createDirectories(this.stateDir.resolve(instanceId)), 1, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(1), Map.of());
    }

    /** Reads its one input and does nothing with it: what matters here is only who holds the task. */
    private static final class PassThroughStreams extends StreamsLifecycle {

        private final TestAppProperties properties;

        PassThroughStreams(TestAppProperties properties) {
            super(properties, properties.kafka(), "test", "Test", new AppTopics(List.of(Topic.SESSION_STATE), List.of(), false),
                    new ThreadFailures(Clock.systemUTC()));
            this.properties = properties;
        }

        @Override
        protected Properties settings() {
            return SharedStreamsSettings.of(this.properties, this.properties.kafka(), new Properties());
        }

        @Override
        protected Topology topology(Properties settings) {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(this.properties.namespace().name(Topic.SESSION_STATE),
                    Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).foreach((key, value) -> { });
            return builder.build();
        }
    }

    private static final class TestHealth extends StreamsHealthIndicator {

        TestHealth(StreamsLifecycle streams, ProgressMonitor progress) {
            super(streams, progress);
        }

        @Override
        protected void details(Health.Builder health) {
        }
    }
}
