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
 * An app's health on a real broker once its stream threads run: up only while it holds a task, idle or not; an
 * instance that runs but holds none (here: a second instance of an app whose input has one partition) is down.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StreamsHealthIndicatorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    @Test
    void anInstanceHoldingNoTaskIsDownAndTakesOverAndIsUpWhenTheHolderStops(KafkaBroker broker) throws IOException {
        String prefix = broker.uniquePrefix("health-tasks");
        PassThroughStreams first = new PassThroughStreams(properties(broker, prefix, "pod-1"));
        PassThroughStreams second = new PassThroughStreams(properties(broker, prefix, "pod-2"));
        first.start();
        second.start();
        try {
            await().atMost(PATIENCE).until(() -> first.state() == KafkaStreams.State.RUNNING
                    && second.state() == KafkaStreams.State.RUNNING
                    && first.activeTasks().size() + second.activeTasks().size() == 1);
            PassThroughStreams holder = first.activeTasks().isEmpty() ? second : first;
            PassThroughStreams spare = (holder == first) ? second : first;

            Health spareHealth = new TestHealth(spare).health();
            assertThat(spareHealth.getStatus()).isEqualTo(Status.DOWN);
            assertThat(spareHealth.getDetails()).containsEntry("state", KafkaStreams.State.RUNNING.name())
                    .containsEntry("reason", StreamsHealthIndicator.NO_ACTIVE_TASK)
                    .containsEntry("activeTasks", Set.of());
            // Idle (no record ever arrives) but holding its task: nothing wrong.
            Health holderHealth = new TestHealth(holder).health();
            assertThat(holderHealth.getStatus()).isEqualTo(Status.UP);
            assertThat(holderHealth.getDetails()).containsEntry("activeTasks", Set.of("0_0"))
                    .doesNotContainKey("reason");

            holder.stop();

            await().atMost(PATIENCE).untilAsserted(() -> {
                Health health = new TestHealth(spare).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("activeTasks", Set.of("0_0"));
            });
        }
        finally {
            first.stop();
            second.stop();
        }
    }

    private TestAppProperties properties(KafkaBroker broker, String prefix, String instanceId) throws IOException {
        return new TestAppProperties(broker.bootstrapServers(), prefix + "app", instanceId,
                new TopicNamespace(prefix), 1, (short) 1, StreamsConfig.AT_LEAST_ONCE, Duration.ofMillis(100),
                Files.createDirectories(this.stateDir.resolve(instanceId)), 1, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Map.of());
    }

    /** Reads its one input and does nothing with it: what matters here is only who holds the task. */
    private static final class PassThroughStreams extends StreamsLifecycle {

        private final TestAppProperties properties;

        PassThroughStreams(TestAppProperties properties) {
            super(properties, "test", "Test", new AppTopics(List.of(Topic.SESSION_STATE), List.of(), false),
                    new ThreadFailures(Clock.systemUTC()));
            this.properties = properties;
        }

        @Override
        protected Properties settings() {
            return SharedStreamsSettings.of(this.properties, new Properties());
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

        TestHealth(StreamsLifecycle streams) {
            super(streams);
        }

        @Override
        protected void details(Health.Builder health) {
        }
    }
}
