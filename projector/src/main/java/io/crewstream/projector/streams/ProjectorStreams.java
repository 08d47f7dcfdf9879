package io.crewstream.projector.streams;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.crewstream.projector.ProjectorProperties;
import io.crewstream.projector.topology.ProjectorTopology;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Owns the projector's {@link KafkaStreams}: {@link #start()} provisions the topics and starts the stream threads,
 * {@link #stop()} closes them, leaving the consumer group so that another instance takes the partitions over at once
 * (Kafka Streams 4.1 does this for static members only: see {@link ProjectorProperties#instanceId()}).
 * A stream thread that dies of an unexpected exception is logged with the reason and replaced; the app never exits
 * or restarts in a loop because of one. Only a deleted input topic stops the stream threads for good (a replacement
 * would fail at once), which {@code /actuator/health} then reports as down.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are called by one thread (the Spring container's); Kafka Streams
 * runs the topology on its own stream threads and calls the state listener and the exception handler on them;
 * the other methods may be called from any thread.
 */
public class ProjectorStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProjectorStreams.class);

    private final ProjectorProperties properties;

    private volatile KafkaStreams streams;

    public ProjectorStreams(ProjectorProperties properties) {
        this.properties = properties;
    }

    @Override
    public void start() {
        if (this.streams != null) {
            return;
        }
        new TopicProvisioner(this.properties.bootstrapServers(), this.properties.namespace(),
                this.properties.partitions(), this.properties.replicationFactor()).provision();
        KafkaStreams streams = new KafkaStreams(
                new ProjectorTopology(this.properties.namespace(), this.properties.applicationId()).build(),
                StreamsSettings.of(this.properties));
        streams.setStateListener((newState, oldState) -> log.info("Projector {} went from {} to {}",
                this.properties.applicationId(), oldState, newState));
        streams.setUncaughtExceptionHandler(this::onStreamThreadFailure);
        streams.start();
        this.streams = streams;
    }

    private StreamThreadExceptionResponse onStreamThreadFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MissingSourceTopicException) {
                // A new thread would fail the same way at once; stop, and let /actuator/health say DOWN.
                log.error("An input topic of the projector is gone; stopping its stream threads", failure);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        }
        log.error("A projector stream thread failed; replacing it", failure);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    @Override
    public void stop() {
        KafkaStreams streams = this.streams;
        if (streams == null) {
            return;
        }
        this.streams = null;
        boolean closed = streams.close(new KafkaStreams.CloseOptions().timeout(this.properties.closeTimeout())
                .leaveGroup(true));
        if (!closed) {
            log.warn("Projector {} did not close within {}", this.properties.applicationId(),
                    this.properties.closeTimeout());
        }
    }

    @Override
    public boolean isRunning() {
        return this.streams != null;
    }

    /** The Kafka Streams state; {@code NOT_RUNNING} when stopped. */
    public KafkaStreams.State state() {
        KafkaStreams streams = this.streams;
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    /** The ids of the tasks this instance runs (each owns one partition of the inputs); empty when stopped. */
    public Set<String> activeTasks() {
        KafkaStreams streams = this.streams;
        if (streams == null) {
            return Set.of();
        }
        return streams.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .map(task -> task.taskId().toString())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** How many records this instance has sent to the dead-letter topic since it started. */
    public long deadLetterCount() {
        return Math.round(metrics().entrySet().stream()
                .filter(metric -> metric.getKey().group().equals(ProjectorTopology.METRIC_GROUP)
                        && metric.getKey().name().equals(ProjectorTopology.DEAD_LETTERS_METRIC))
                .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
                .sum());
    }

    /** Kafka Streams' metrics, among them the dead-letter count; empty when stopped. */
    public Map<MetricName, ? extends Metric> metrics() {
        KafkaStreams streams = this.streams;
        return streams == null ? Map.of() : streams.metrics();
    }
}
