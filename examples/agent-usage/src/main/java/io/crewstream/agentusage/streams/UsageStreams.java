package io.crewstream.agentusage.streams;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.crewstream.agentusage.AgentUsageProperties;
import io.crewstream.agentusage.topology.AgentUsageTopology;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Owns the app's {@link KafkaStreams}: {@link #start()} provisions the topics and then starts the stream threads,
 * {@link #stop()} closes them and leaves the consumer group (for a static member, see
 * {@link AgentUsageProperties#instanceId()}).
 *
 * <p>Provisioning runs on a starter thread of its own, so that an unreachable Kafka never fails the application's
 * start (which a restart policy would turn into a crash loop): each failed attempt is logged with its reason and
 * retried after a pause that doubles from {@link #FIRST_RETRY_PAUSE} up to {@link #MAX_RETRY_PAUSE}, and
 * {@link #startup()} (shown in {@code /actuator/health}) says that the app is waiting for Kafka and why.
 *
 * <p>A stream thread that dies of an unexpected exception is logged and replaced; only a deleted input topic stops
 * the stream threads for good (a replacement would fail at once), which health then reports as down.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are called by one thread (the Spring container's); the starter
 * thread provisions the topics and starts Kafka Streams, and {@link #stop()} interrupts it and waits for it before
 * closing Kafka Streams; publishing the started {@code KafkaStreams} and stopping are serialized on a lock, so that a
 * stop during the start never leaves stream threads running. Kafka Streams calls the exception handler on its stream
 * threads; the getters may be called from any thread.
 */
public class UsageStreams implements SmartLifecycle {

    static final Duration FIRST_RETRY_PAUSE = Duration.ofSeconds(1);

    static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(30);

    /** Kafka Streams' own task metric of records skipped by the exception handlers. */
    private static final String DROPPED_RECORDS_METRIC = "dropped-records-total";

    private static final Logger log = LoggerFactory.getLogger(UsageStreams.class);

    private final AgentUsageProperties properties;
    private final Object lifecycle = new Object();
    private final AtomicLong threadFailures = new AtomicLong();

    private volatile Startup startup = Startup.NOT_STARTED;
    private volatile KafkaStreams streams;
    private volatile boolean running;

    /** Guarded by {@link #lifecycle}: set by stop(), so that the starter thread no longer starts Kafka Streams. */
    private boolean stopping;

    /** Only touched by the container's thread. */
    private Thread starter;

    public UsageStreams(AgentUsageProperties properties) {
        this.properties = properties;
    }

    @Override
    public void start() {
        if (this.running) {
            return;
        }
        synchronized (this.lifecycle) {
            this.stopping = false;
        }
        this.running = true;
        this.startup = Startup.PROVISIONING;
        this.starter = new Thread(this::provisionThenStartStreams,
                "agent-usage-starter-" + this.properties.applicationId());
        // The starter must never keep the JVM alive on its own: stop() ends it, and so does the JVM's exit.
        this.starter.setDaemon(true);
        this.starter.start();
    }

    /** The starter thread's work: provision until it succeeds, then start Kafka Streams. */
    private void provisionThenStartStreams() {
        TopicProvisioner provisioner = new TopicProvisioner(this.properties.bootstrapServers(),
                this.properties.namespace(), this.properties.partitions(), this.properties.replicationFactor(),
                this.properties.provisioningTimeout());
        Duration pause = FIRST_RETRY_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                provisioner.provision();
                break;
            }
            catch (InterruptedException ex) {
                log.info("Agent usage {} stopped while provisioning its topics", this.properties.applicationId());
                return;
            }
            catch (RuntimeException ex) {
                String reason = String.valueOf(ex.getMessage());
                log.warn("Could not provision the topics of agent usage {} (attempt {}), trying again in {} ms: {}",
                        this.properties.applicationId(), attempt, pause.toMillis(), reason);
                this.startup = Startup.waitingForKafka(reason, attempt);
            }
            try {
                Thread.sleep(pause.toMillis());
            }
            catch (InterruptedException ex) {
                log.info("Agent usage {} stopped while waiting for Kafka", this.properties.applicationId());
                return;
            }
            Duration doubled = pause.multipliedBy(2);
            pause = doubled.compareTo(MAX_RETRY_PAUSE) > 0 ? MAX_RETRY_PAUSE : doubled;
        }
        synchronized (this.lifecycle) {
            if (this.stopping) {
                return;
            }
            try {
                this.streams = startStreams();
                this.startup = Startup.STARTED;
            }
            catch (RuntimeException ex) {
                // E.g. a state directory another instance holds: starting again would fail the same way.
                log.error("Could not start agent usage {}", this.properties.applicationId(), ex);
                this.startup = Startup.failed(String.valueOf(ex.getMessage()), 0);
            }
        }
    }

    private KafkaStreams startStreams() {
        Properties settings = StreamsSettings.of(this.properties);
        KafkaStreams streams = new KafkaStreams(new AgentUsageTopology(this.properties.namespace(),
                this.properties.grace()).build(), settings);
        streams.setStateListener((newState, oldState) -> log.info("Agent usage {} went from {} to {}",
                this.properties.applicationId(), oldState, newState));
        streams.setUncaughtExceptionHandler(this::onStreamThreadFailure);
        streams.start();
        return streams;
    }

    private StreamThreadExceptionResponse onStreamThreadFailure(Throwable failure) {
        this.threadFailures.incrementAndGet();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MissingSourceTopicException) {
                log.error("The session-state topic is gone; stopping the agent-usage stream threads", failure);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        }
        log.error("An agent-usage stream thread failed; replacing it", failure);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    @Override
    public void stop() {
        if (!this.running) {
            return;
        }
        synchronized (this.lifecycle) {
            this.stopping = true;
        }
        Thread starter = this.starter;
        starter.interrupt();
        try {
            starter.join(this.properties.closeTimeout().toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        KafkaStreams streams = this.streams;
        this.streams = null;
        this.startup = Startup.NOT_STARTED;
        this.running = false;
        if (streams == null) {
            return;
        }
        boolean closed = streams.close(new KafkaStreams.CloseOptions().timeout(this.properties.closeTimeout())
                .leaveGroup(true));
        if (!closed) {
            log.warn("Agent usage {} did not close within {}", this.properties.applicationId(),
                    this.properties.closeTimeout());
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /** How far the start has got; once {@link Startup.Phase#STARTED}, {@link #state()} tells the rest. */
    public Startup startup() {
        return this.startup;
    }

    /** The Kafka Streams state; {@code NOT_RUNNING} when stopped. */
    public KafkaStreams.State state() {
        KafkaStreams streams = this.streams;
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    /** The ids of the tasks this instance runs; empty when stopped. */
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

    /** Changes left out of their minute because its grace period was over, since this instance started. */
    public long lateRecordCount() {
        return metricTotal(AgentUsageTopology.METRIC_GROUP, AgentUsageTopology.LATE_RECORDS_METRIC);
    }

    /** Records skipped because they broke the contract (or hit a bug), since this instance started. */
    public long droppedRecordCount() {
        return metricTotal("stream-task-metrics", DROPPED_RECORDS_METRIC);
    }

    /** Stream threads that died and were replaced (or, for a deleted input, not), since this instance started. */
    public long streamThreadFailures() {
        return this.threadFailures.get();
    }

    private long metricTotal(String group, String name) {
        KafkaStreams streams = this.streams;
        if (streams == null) {
            return 0;
        }
        return Math.round(streams.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().group().equals(group) && metric.getKey().name().equals(name))
                .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
                .sum());
    }
}
