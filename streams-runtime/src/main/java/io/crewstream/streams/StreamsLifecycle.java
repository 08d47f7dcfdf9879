package io.crewstream.streams;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.crewstream.runtime.KafkaSettings;
import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.runtime.TopicProvisioner;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Owns an app's {@link KafkaStreams}: {@link #start()} provisions the app's topics and then starts the stream
 * threads, {@link #stop()} closes them, leaving the consumer group so that another instance takes the partitions
 * over at once (Kafka Streams 4.1 does this for static members only: see {@link StreamsAppProperties#instanceId()}).
 * An app extends it with its settings and its topology, and with getters of its own.
 *
 * <p>Provisioning ({@link TopicProvisioner}, the one path every app shares) runs on a starter thread of its own, so
 * that an unreachable Kafka never fails the application's start (which any restart policy would turn into a crash
 * loop): each failed attempt is logged with its reason and retried after the one {@link ReconnectBackoff} (from
 * {@link #FIRST_RETRY_PAUSE} up to {@link #MAX_RETRY_PAUSE}), and {@link #startup()} (shown by
 * {@code /actuator/health}) says that the app is waiting for Kafka and why. Input topics that must be co-partitioned
 * but are not are a configuration error: it is logged and reported, and not retried.
 *
 * <p>A stream thread that dies of an unexpected exception is recorded in {@link ThreadFailures}, logged with the
 * reason and replaced; the app never exits or restarts in a loop because of one. Only a deleted input topic stops the
 * stream threads for good (a replacement would fail at once), which {@code /actuator/health} then reports as down.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are called by one thread (the Spring container's); the starter
 * thread provisions the topics, calls {@link #settings()} and {@link #topology(Properties)} and starts Kafka Streams,
 * and {@link #stop()} interrupts it and waits for it to end before closing Kafka Streams; publishing the started
 * {@code KafkaStreams} and stopping are serialized on a lock, so that a stop during the start never leaves stream
 * threads running. Kafka Streams runs the topology on its own stream threads and calls the state listener and the
 * exception handler on them; the getters may be called from any thread.
 */
public abstract class StreamsLifecycle implements SmartLifecycle {

    static final Duration FIRST_RETRY_PAUSE = Duration.ofSeconds(1);

    static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(30);

    /** The app's own logger, so that its lines keep the app's logger name. */
    private final Logger log = LoggerFactory.getLogger(getClass());

    private final StreamsAppProperties properties;
    private final KafkaSettings kafka;
    private final String id;
    private final String title;
    private final AppTopics topics;
    private final ThreadFailures threadFailures;
    private final Object lifecycle = new Object();

    private volatile Startup startup = Startup.NOT_STARTED;
    private volatile KafkaStreams streams;
    private volatile boolean running;

    /** Guarded by {@link #lifecycle}: set by stop(), so that the starter thread no longer starts Kafka Streams. */
    private boolean stopping;

    /** Only touched by the container's thread. */
    private Thread starter;

    /**
     * @param kafka where Kafka is, the topic namespace, and the partitions and replication of created topics
     * @param id the app's short name, e.g. {@code agent-usage}: in thread names and its admin client's id
     * @param title the app's name at the start of a log line, e.g. {@code Agent usage}
     * @param topics what the app reads and writes, provisioned before its stream threads start
     */
    protected StreamsLifecycle(StreamsAppProperties properties, KafkaSettings kafka, String id, String title,
            AppTopics topics, ThreadFailures threadFailures) {
        this.properties = properties;
        this.kafka = kafka;
        this.id = id;
        this.title = title;
        this.topics = topics;
        this.threadFailures = threadFailures;
    }

    /** The app's complete Kafka Streams settings; called on the starter thread, once per start. */
    protected abstract Properties settings();

    /** The app's topology under these settings; called on the starter thread, once per start. */
    protected abstract Topology topology(Properties settings);

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
                this.id + "-starter-" + this.properties.applicationId());
        // The starter must never keep the JVM alive on its own: stop() ends it, and so does the JVM's exit.
        this.starter.setDaemon(true);
        this.starter.start();
    }

    /** The starter thread's work: provision until it succeeds (or cannot), then start Kafka Streams. */
    private void provisionThenStartStreams() {
        TopicProvisioner provisioner = new TopicProvisioner(this.kafka, this.id,
                this.properties.provisioningTimeout());
        AtomicInteger failedAttempts = new AtomicInteger();
        try {
            provisioner.provision(this.topics.plan(this.kafka.partitions()),
                    ReconnectBackoff.withJitter(FIRST_RETRY_PAUSE, MAX_RETRY_PAUSE), (attempt, retryIn, reason) -> {
                        failedAttempts.set(attempt);
                        this.startup = Startup.waitingForKafka(reason, attempt);
                    });
        }
        catch (InterruptedException ex) {
            this.log.info("{} {} stopped while provisioning its topics or waiting for Kafka", this.title,
                    this.properties.applicationId());
            return;
        }
        catch (TopicProvisioner.NotCoPartitionedException ex) {
            this.log.error("Not starting {} {}: {}", lowerCaseTitle(), this.properties.applicationId(),
                    ex.getMessage());
            this.startup = Startup.failed(ex.getMessage(), failedAttempts.get() + 1);
            return;
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
                this.log.error("Could not start {} {}", lowerCaseTitle(), this.properties.applicationId(), ex);
                this.startup = Startup.failed(String.valueOf(ex.getMessage()), 0);
            }
        }
    }

    private KafkaStreams startStreams() {
        Properties settings = settings();
        KafkaStreams streams = new KafkaStreams(topology(settings), settings);
        streams.setStateListener((newState, oldState) -> this.log.info("{} {} went from {} to {}", this.title,
                this.properties.applicationId(), oldState, newState));
        streams.setUncaughtExceptionHandler(this::onStreamThreadFailure);
        streams.start();
        return streams;
    }

    private StreamThreadExceptionResponse onStreamThreadFailure(Throwable failure) {
        this.threadFailures.record();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MissingSourceTopicException) {
                // A new thread would fail the same way at once; stop, and let /actuator/health say DOWN.
                this.log.error("An input topic of {} {} is gone; stopping its stream threads", lowerCaseTitle(),
                        this.properties.applicationId(), failure);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        }
        this.log.error("A stream thread of {} {} failed; replacing it", lowerCaseTitle(),
                this.properties.applicationId(), failure);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private String lowerCaseTitle() {
        return this.title.toLowerCase(Locale.ROOT);
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
            this.log.warn("{} {} did not close within {}", this.title, this.properties.applicationId(),
                    this.properties.closeTimeout());
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /** The app's short name, e.g. {@code agent-usage}. */
    String id() {
        return this.id;
    }

    /** The app's name at the start of a log line, e.g. {@code Agent usage}. */
    String title() {
        return this.title;
    }

    /** The full names of the topics the app reads. */
    List<String> inputTopics() {
        return this.topics.inputs().stream().map(this.kafka.namespace()::name).toList();
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
        return activeTaskMetadata().map(task -> task.taskId().toString())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The input partitions this instance's active tasks hold now; empty when stopped. */
    public Set<TopicPartition> activePartitions() {
        return activeTaskMetadata().flatMap(task -> task.topicPartitions().stream()).collect(Collectors.toSet());
    }

    private Stream<TaskMetadata> activeTaskMetadata() {
        KafkaStreams streams = this.streams;
        return streams == null ? Stream.empty()
                : streams.metadataForLocalThreads().stream().flatMap(thread -> thread.activeTasks().stream());
    }

    /** Kafka Streams' metrics; empty when stopped. */
    public Map<MetricName, ? extends Metric> metrics() {
        KafkaStreams streams = this.streams;
        return streams == null ? Map.of() : streams.metrics();
    }

    /** The sum of a metric over all its instances (tasks, threads), rounded; 0 when stopped. */
    protected long metricTotal(String group, String name) {
        return Math.round(metrics().entrySet().stream()
                .filter(metric -> metric.getKey().group().equals(group) && metric.getKey().name().equals(name))
                .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
                .sum());
    }
}
