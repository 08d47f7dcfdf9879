package io.crewstream.projector.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import io.crewstream.projector.ProjectorProperties;
import io.crewstream.projector.streams.StreamsSettings;
import io.crewstream.schemas.TopicNamespace;
import io.micrometer.core.instrument.MeterRegistry;
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
        ProjectorProperties properties = new ProjectorProperties("unused:9092", consumer, "", NAMESPACE.prefix(), 1,
                (short) 1, null, "exactly_once_v2", Duration.ofMillis(10), stateDir, 1, 0, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(60), Map.of(), new ProjectorProperties.Activity(errorHold));
        Properties settings = StreamsSettings.of(properties);
        return new TopologyTestDriver(new ProjectorTopology(NAMESPACE, consumer,
                new DiscardedSnapshots(meterRegistry), StreamsSettings.maxRecordBytes(settings),
                properties.activity().errorHold()).build(), settings, wallClock);
    }
}
