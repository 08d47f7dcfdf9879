package io.crewstream.ingestor.requests;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import io.crewstream.runtime.LoopThread;
import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.SnapshotRequest;
import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link Topic#SNAPSHOT_REQUESTS} and hands each request to the supervisors
 * ({@link UpstreamSupervisors#snapshotRequested}), which answer a request for a connection they own with a full
 * snapshot. Reads every partition without a consumer group, from the end as it was at {@link #start()}: a request
 * means something only to the ingestor running when it was made (one made before is answered by the snapshot every
 * ingestor publishes when it connects), and every ingestor must see every request, since it cannot know which
 * connections another one owns.
 *
 * <p>A record that is not a valid request (not JSON, wrong shape, its key not its connection id) is logged at WARN
 * with the reason and counted ({@value #METRIC}, {@code outcome=malformed}), and the next one is read. While Kafka is
 * unreachable the consumer keeps trying quietly; the ingestor's health does not depend on this listener: publishing
 * does, and missing a request costs at most the repair it asked for, which the next disagreeing marker asks for again.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} may be called from any thread (they synchronize on this object);
 * the consumer is created, polled and closed by the listener's own thread, {@value #THREAD_NAME}, except for
 * {@link Consumer#wakeup()}, the one consumer method that is thread-safe, which {@link #stop()} calls to end a poll.
 * {@link #listening()} may be read from any thread.
 */
public final class SnapshotRequestListener {

    public static final String METRIC = "crewstream.ingestor.snapshot-requests";

    static final String THREAD_NAME = "snapshot-requests";

    /** How long one poll blocks; also how quickly a new partition count or a stop is noticed at worst. */
    private static final Duration POLL = Duration.ofSeconds(1);

    /** How long one call about the topic's partitions may block. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Waits before looking again for a topic that does not exist yet, or after Kafka refused a call: the one backoff,
     * from 1 s up to 30 s.
     */
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(SnapshotRequestListener.class);

    private final Map<String, Object> consumerConfig;
    private final TopicNamespace namespace;
    private final UpstreamSupervisors supervisors;
    private final Clock clock;
    private final Counter accepted;
    private final Counter notOwned;
    private final Counter malformed;
    private final ContractSerde<SnapshotRequest> requests = ContractSerdes.snapshotRequests();

    // Guarded by this object's monitor: the run in progress, if any.
    private Run run;

    private volatile boolean listening;

    /**
     * @param bootstrapServers the Kafka cluster the ingestor writes to
     * @param clock how old a request is, for its log line
     */
    public SnapshotRequestListener(String bootstrapServers, TopicNamespace namespace, UpstreamSupervisors supervisors,
            MeterRegistry registry, Clock clock) {
        this.consumerConfig = consumerConfig(bootstrapServers);
        this.namespace = namespace;
        this.supervisors = supervisors;
        this.clock = clock;
        this.accepted = counter(registry, "accepted", "handed to the supervisor of its connection");
        this.notOwned = counter(registry, "not-owned", "for a connection this ingestor does not own");
        this.malformed = counter(registry, "malformed", "not a valid snapshot request (logged with the reason)");
    }

    private static Counter counter(MeterRegistry registry, String outcome, String description) {
        return Counter.builder(METRIC).description("Snapshot requests read: " + description)
                .tag("outcome", outcome).register(registry);
    }

    static Map<String, Object> consumerConfig(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "crewstream-ingestor-snapshot-requests");
        // No group: every ingestor reads every request, and commits nothing.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // The projector writes requests in its exactly-once transactions: an aborted one was never made.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // The projector creates the topic (and the ingestor's own topic set-up does); reading must not.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }

    /** Starts the listener's thread; does nothing when it runs. */
    public synchronized void start() {
        if (this.run != null) {
            return;
        }
        Run run = new Run(new KafkaConsumer<>(this.consumerConfig, new StringDeserializer(),
                new ByteArrayDeserializer()));
        run.loop = LoopThread.start(THREAD_NAME, run.consumer::wakeup, run::run);
        this.run = run;
    }

    /** Ends the poll in progress and waits (up to 10 s) for the thread to close the consumer. */
    public void stop() {
        Run stopped;
        synchronized (this) {
            stopped = this.run;
            this.run = null;
        }
        if (stopped == null) {
            return;
        }
        stopped.loop.stop();
        stopped.loop.join(Duration.ofSeconds(10));
    }

    /** Whether the listener reads the topic: it exists, and reading starts from its end as of then. */
    public boolean listening() {
        return this.listening;
    }

    /** One start-to-stop of the listener: its consumer and its loop. */
    private final class Run {

        private final Consumer<String, byte[]> consumer;
        // Used by the run's thread only.
        private final ReconnectBackoff backoff = ReconnectBackoff.withJitter(FIRST_PAUSE, MAX_PAUSE);
        // The same loop, set by the run's thread as it begins and by start() for stop().
        private volatile LoopThread loop;

        Run(Consumer<String, byte[]> consumer) {
            this.consumer = consumer;
        }

        void run(LoopThread loop) {
            this.loop = loop;
            String topic = SnapshotRequestListener.this.namespace.name(Topic.SNAPSHOT_REQUESTS);
            boolean assigned = false;
            try (this.consumer) {
                while (!this.loop.stopping()) {
                    try {
                        if (!assigned) {
                            assigned = assign(this.consumer, topic);
                            if (!assigned) {
                                pause();
                                continue;
                            }
                        }
                        this.consumer.poll(POLL).forEach(SnapshotRequestListener.this::handle);
                        this.backoff.reset();
                    }
                    catch (WakeupException ex) {
                        // stop() ends the poll; the loop condition says whether to go on.
                    }
                    catch (org.apache.kafka.common.errors.TimeoutException ex) {
                        // Kafka unreachable: the ingestor says so through publishing; here, quietly try again.
                        log.debug("Kafka did not answer about {}: {}", topic, ex.toString());
                        pause();
                    }
                    catch (KafkaException ex) {
                        log.warn("Could not read snapshot requests from {}, trying again: {}", topic, ex.toString());
                        pause();
                    }
                }
            }
            catch (RuntimeException ex) {
                log.warn("Closing the snapshot-request consumer failed: {}", ex.toString());
            }
            finally {
                SnapshotRequestListener.this.listening = false;
            }
            log.debug("Stopped reading snapshot requests from {}", topic);
        }

        /** Waits before trying again, or less if {@link #stop()} is called meanwhile. */
        private void pause() {
            this.loop.pause(this.backoff.next());
        }
    }

    /** @return whether the topic's partitions are assigned and positioned at their end */
    private boolean assign(Consumer<String, byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, CALL_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            log.debug("Topic {} does not exist yet; looking again", topic);
            return false;
        }
        List<TopicPartition> partitions = infos.stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Resolved now rather than at the first poll: a request made from here on is read.
        partitions.forEach(partition -> consumer.position(partition, CALL_TIMEOUT));
        this.listening = true;
        log.info("Reading snapshot requests from {} ({} partitions, from their end)", topic, partitions.size());
        return true;
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        SnapshotRequest request;
        try {
            if (record.value() == null) {
                throw new ContractViolationException("Record on " + record.topic() + " has no value");
            }
            request = this.requests.deserialize(record.topic(), record.value());
            if (!Objects.equals(record.key(), request.connectionId())) {
                throw new ContractViolationException("Record key '" + DeadLetter.keyFor(record.key())
                        + "' is not the request's connectionId '" + request.connectionId() + "'");
            }
        }
        catch (ContractViolationException ex) {
            this.malformed.increment();
            log.warn("Ignoring record {}-{}@{}: not a snapshot request: {}", record.topic(), record.partition(),
                    record.offset(), ex.getMessage());
            return;
        }
        long age = this.clock.millis() - request.requestedAt();
        if (this.supervisors.snapshotRequested(request)) {
            this.accepted.increment();
            // The supervisor logs it at INFO with the detail; this line adds the request's age.
            log.debug("[{}] Snapshot request from {} ({}, made {} ms ago): {}", request.connectionId(),
                    request.requestedBy(), request.reason(), age, request.detail());
        }
        else {
            this.notOwned.increment();
            log.debug("Snapshot request for connection {}, which this ingestor does not own: ignored",
                    request.connectionId());
        }
    }
}
