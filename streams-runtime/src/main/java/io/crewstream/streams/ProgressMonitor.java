package io.crewstream.streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.crewstream.runtime.KafkaSettings;
import io.crewstream.runtime.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Samples, every {@link #interval(Duration)}, what a Kafka Streams app's consumer group has committed on its input
 * topics and where those topics end, as an operator would with {@code kafka-consumer-groups --describe}, with this
 * instance's Kafka Streams state and the partitions its tasks hold, and keeps the {@link ProgressWatch} verdict for
 * {@code /actuator/health} ({@link StreamsHealthIndicator}): an app whose stream threads fail on the same record again
 * and again is DOWN, not UP; one with nothing to read is not stalled. Logs when a stall begins and ends. The admin
 * client is made at the first sample, so that an address that does not resolve yet never fails the application's
 * start; until Kafka answers, the reason is shown with the verdict.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are called by the Spring container; sampling runs on one
 * scheduler thread of its own, which alone touches the {@link ProgressWatch} and the admin client; {@link #verdict()}
 * may be called from any thread (the verdict is immutable and published through a volatile field).
 */
public class ProgressMonitor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProgressMonitor.class);

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final StreamsAppProperties properties;
    private final KafkaSettings kafka;
    private final StreamsLifecycle streams;
    private final ThreadFailures threadFailures;
    private final Clock clock;
    private final ProgressWatch watch;

    private volatile ProgressWatch.Verdict verdict = ProgressWatch.Verdict.UNKNOWN;
    private volatile String lastError;

    private ScheduledExecutorService scheduler;
    private Admin admin;

    public ProgressMonitor(StreamsAppProperties properties, KafkaSettings kafka, StreamsLifecycle streams,
            ThreadFailures threadFailures, Clock clock) {
        this.properties = properties;
        this.kafka = kafka;
        this.streams = streams;
        this.threadFailures = threadFailures;
        this.clock = clock;
        this.watch = new ProgressWatch(properties.stallTimeout());
    }

    /** Often enough that a stall is reported at most a quarter of the timeout late, and at most every 10 s. */
    static Duration interval(Duration stallTimeout) {
        long millis = Math.max(100, Math.min(10_000, stallTimeout.toMillis() / 4));
        return Duration.ofMillis(millis);
    }

    @Override
    public synchronized void start() {
        if (this.scheduler != null) {
            return;
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, this.streams.id() + "-progress-" + this.properties.applicationId());
            thread.setDaemon(true);
            return thread;
        });
        long every = interval(this.properties.stallTimeout()).toMillis();
        this.scheduler.scheduleWithFixedDelay(this::sample, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (this.scheduler == null) {
            return;
        }
        this.scheduler.shutdownNow();
        try {
            this.scheduler.awaitTermination(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        if (this.admin != null) {
            this.admin.close(Duration.ofSeconds(5));
        }
        this.scheduler = null;
        this.admin = null;
        this.verdict = ProgressWatch.Verdict.UNKNOWN;
    }

    @Override
    public boolean isRunning() {
        return this.scheduler != null;
    }

    public ProgressWatch.Verdict verdict() {
        return this.verdict;
    }

    /** Why the last sample could not be taken; null after a good one. */
    public String lastError() {
        return this.lastError;
    }

    private void sample() {
        try {
            if (this.streams.startup().phase() != Startup.Phase.STARTED) {
                this.watch.reset();
                this.verdict = ProgressWatch.Verdict.UNKNOWN;
                return;
            }
            if (this.admin == null) {
                // Created here, not at start: a bootstrap address that does not resolve yet must not fail the start.
                // Its calls give up with the sample's, not after Kafka's default minute.
                this.admin = TopicProvisioner.admin(this.kafka.bootstrapServers(),
                        this.properties.applicationId() + "-progress", CALL_TIMEOUT);
            }
            boolean running = this.streams.state() == KafkaStreams.State.RUNNING;
            Set<TopicPartition> held = this.streams.activePartitions();
            Set<TopicPartition> inputs = inputPartitions();
            Map<TopicPartition, Long> committed = committedOffsets(inputs);
            Map<TopicPartition, Long> end = endOffsets(inputs);
            ProgressWatch.Verdict next = this.watch.observe(this.clock.millis(), this.threadFailures.lastMillis(),
                    running, held, committed, end);
            report(this.verdict, next);
            this.verdict = next;
            this.lastError = null;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException | RuntimeException ex) {
            // Kafka unreachable, say: no sample, and the last verdict stands; the reason is shown with it.
            Throwable cause = ex instanceof ExecutionException ? ex.getCause() : ex;
            this.lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            log.debug("Could not sample the progress of {}: {}", this.properties.applicationId(), this.lastError);
        }
    }

    private void report(ProgressWatch.Verdict before, ProgressWatch.Verdict after) {
        if (after.state() == ProgressWatch.State.STALLED && before.state() != ProgressWatch.State.STALLED) {
            log.error("{} {} makes no progress on {} since {}: {} records wait while its committed offsets "
                    + "stand still (see the stream-thread errors above)", this.streams.title(),
                    this.properties.applicationId(),
                    after.stalledPartitions(), Instant.ofEpochMilli(after.stalledSinceMillis()), after.lag());
        }
        else if (before.state() == ProgressWatch.State.STALLED && after.state() != ProgressWatch.State.STALLED) {
            log.info("{} {} makes progress again ({} records behind)", this.streams.title(),
                    this.properties.applicationId(), after.lag());
        }
    }

    private List<String> inputTopics() {
        return this.streams.inputTopics();
    }

    private Set<TopicPartition> inputPartitions() throws InterruptedException, ExecutionException,
            TimeoutException {
        Map<String, TopicDescription> topics = this.admin.describeTopics(inputTopics()).allTopicNames()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return topics.values().stream()
                .flatMap(topic -> topic.partitions().stream()
                        .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                .collect(Collectors.toSet());
    }

    private Map<TopicPartition, Long> committedOffsets(Set<TopicPartition> inputs) throws InterruptedException,
            ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> offsets = this.admin
                .listConsumerGroupOffsets(this.properties.applicationId()).partitionsToOffsetAndMetadata()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (offset != null && inputs.contains(partition)) {
                committed.put(partition, offset.offset());
            }
        });
        return committed;
    }

    private Map<TopicPartition, Long> endOffsets(Set<TopicPartition> inputs) throws InterruptedException,
            ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = inputs.stream()
                .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        this.admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> end.put(partition, info.offset()));
        return end;
    }
}
