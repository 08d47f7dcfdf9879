package io.crewstream.projector.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import io.crewstream.projector.ProjectorProperties;
import io.crewstream.projector.streams.StreamsSettings;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The real projector topology with the real Streams settings (exactly-once, no cache) in a test driver. */
final class ProjectorDriver {

    static final TopicNamespace NAMESPACE = TopicNamespace.DEFAULT;

    private ProjectorDriver() {
    }

    /**
     * @param wallClock the stream thread's wall-clock time at start (the driver's clock moves only when told to)
     */
    static TopologyTestDriver start(String consumer, Path stateDir, MeterRegistry meterRegistry, Duration errorHold,
            Instant wallClock) {
        ProjectorProperties properties = new ProjectorProperties(consumer, "", "exactly_once_v2",
                Duration.ofMillis(10), stateDir, 1, 0, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(60), Map.of(), new ProjectorProperties.Activity(errorHold));
        Properties settings = StreamsSettings.of(properties, KafkaSettings.of("unused:9092", NAMESPACE.prefix()));
        return new TopologyTestDriver(new ProjectorTopology(NAMESPACE, consumer,
                new DiscardedSnapshots(meterRegistry), StreamsSettings.maxRecordBytes(settings),
                properties.activity().errorHold(), new SessionVerifications(meterRegistry), new OwnerChanges(meterRegistry)).build(), settings,
                wallClock);
    }

    /** An input topic of the driver, keyed by connection id. */
    static <V> TestInputTopic<String, V> input(TopologyTestDriver driver, Topic topic, Serializer<V> values) {
        return driver.createInputTopic(NAMESPACE.name(topic), new StringSerializer(), values);
    }

    static <V> TestOutputTopic<String, V> output(TopologyTestDriver driver, Topic topic, Deserializer<V> values) {
        return driver.createOutputTopic(NAMESPACE.name(topic), new StringDeserializer(), values);
    }
}
