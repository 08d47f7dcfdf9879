package io.crewstream.ssegateway.state;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.schemas.TopicNamespace;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Reads the table topics ({@link TableTopic}: session state, connection state, session activity, agent state) into a
 * {@link SessionTable}: every partition of each, from the beginning, without a consumer group (every instance holds
 * the whole table). Once it has read up to the end offsets it saw at start, it marks the table loaded, then keeps
 * tailing. Until the cluster answers and every one of these topics exists it waits: each failure to get metadata or offsets is logged with its reason, counted
 * ({@code crewstream.sse.table.read.failures}) and retried with backoff, and readiness stays DOWN meanwhile.
 *
 * <p>Once reading, it asks the cluster for the end offsets every {@link #PROBE_INTERVAL}: a poll that returns nothing
 * cannot tell a quiet table from an unreachable broker, an answer (or a poll that returns records) can. When each answer came and why the last one
 * failed are its {@link #progress()}, from which {@code PipelineWatch} decides whether the view is live.
 *
 * <p>Threading: {@link #start()} starts one thread that owns the {@link KafkaConsumer} and is the only writer of
 * the table; {@link #stop()} wakes it (also out of a backoff) and waits for it to end. Meters are registered on the
 * first {@link #start()}. The lag gauge, {@link #lastFailure()} and {@link #progress()} are read from any thread.
 */
public final class TableReader implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(TableReader.class);

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);

    private static final Duration RETRY_BACKOFF_INITIAL = Duration.ofSeconds(1);

    private static final Duration RETRY_BACKOFF_MAX = Duration.ofSeconds(30);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How often the cluster is asked for the end offsets while reading: every poll of an idle table (which returns
     * after {@link #POLL_TIMEOUT}), so that one unanswered question cannot by itself outlast {@code pause-after}.
     */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

    /** How long one such question may take; unanswered, it counts as a failed contact. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final SessionTable table;

    private final TopicNamespace namespace;

    private final Supplier<Consumer<byte[], byte[]>> consumers;

    private final MeterRegistry meters;

    private final Duration backoffInitial;

    private final Duration backoffMax;

    private final Clock clock;

    private final AtomicLong lag = new AtomicLong(-1);

    private final Object lifecycle = new Object();

    /** Created with the meters on the first start; read by the reader thread, which that start launches. */
    private TableRecordDecoder decoder;

    private Counter failures;

    private volatile String lastFailure;

    private volatile boolean running;

    private volatile ReaderProgress progress;

    /** Whether the last probe failed; the reader thread's own, for logging each outage once. */
    private boolean probeFailing;

    private Thread thread;

    private Consumer<byte[], byte[]> consumer;

    public TableReader(SessionTable table, TopicNamespace namespace, String bootstrapServers, String clientId,
            MeterRegistry meters, Clock clock) {
        this(table, namespace, consumerFactory(bootstrapServers, clientId), meters, RETRY_BACKOFF_INITIAL,
                RETRY_BACKOFF_MAX, clock);
    }

    /** For tests: any consumer, and a shorter backoff. */
    TableReader(SessionTable table, TopicNamespace namespace, Supplier<Consumer<byte[], byte[]>> consumers,
            MeterRegistry meters, Duration backoffInitial, Duration backoffMax, Clock clock) {
        this.table = table;
        this.namespace = namespace;
        this.consumers = consumers;
        this.meters = meters;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
        this.clock = clock;
        this.progress = ReaderProgress.notStarted();
    }

    private static Supplier<Consumer<byte[], byte[]>> consumerFactory(String bootstrapServers, String clientId) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                // No group: partitions are assigned by hand and every instance reads everything.
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Only what the projector committed: an aborted transaction must never reach a browser.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // A table must be read whole; if the start offset vanished, start again at the beginning.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // The projector owns these topics; one auto-created by a read would not be compacted.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return () -> new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void start() {
        synchronized (this.lifecycle) {
            if (this.running) {
                return;
            }
            if (this.decoder == null) {
                this.decoder = new TableRecordDecoder(this.meters);
                this.failures = Counter.builder("crewstream.sse.table.read.failures")
                        .description("Retriable failures reaching Kafka while loading the table; each is retried")
                        .register(this.meters);
                Gauge.builder("crewstream.sse.table.lag", this.lag, AtomicLong::get)
                        .description("Records on the table topics not yet applied (-1 before the first poll)")
                        .register(this.meters);
            }
            this.running = true;
            long now = this.clock.millis();
            this.progress = new ReaderProgress(true, now, now, null);
            this.consumer = this.consumers.get();
            this.thread = new Thread(this::run, "sse-table-reader");
            this.thread.start();
        }
    }

    @Override
    public void stop() {
        Thread reader;
        synchronized (this.lifecycle) {
            if (!this.running) {
                return;
            }
            this.running = false;
            this.consumer.wakeup();
            this.lifecycle.notifyAll();
            reader = this.thread;
        }
        try {
            reader.join(STOP_TIMEOUT.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /** Why the last attempt to reach Kafka failed while loading; null once loading got past it. */
    public String lastFailure() {
        return this.lastFailure;
    }

    /** Records on the table topics not yet applied, as of the last poll; -1 before the first. */
    public long lag() {
        return this.lag.get();
    }

    /** Whether it runs, when it last completed a read and last heard from the cluster, and why not since. */
    public ReaderProgress progress() {
        ReaderProgress current = this.progress;
        return this.running ? current : current.stopped();
    }

    private void run() {
        try (Consumer<byte[], byte[]> reader = this.consumer) {
            Map<TableTopic, List<TopicPartition>> partitions = new EnumMap<>(TableTopic.class);
            for (TableTopic topic : TableTopic.values()) {
                List<TopicPartition> found = retrying("topic metadata", () -> awaitPartitions(reader, topic));
                if (!this.running || found == null) {
                    return;
                }
                partitions.put(topic, found);
            }
            List<TopicPartition> all = new ArrayList<>();
            partitions.values().forEach(all::addAll);
            reader.assign(all);
            reader.seekToBeginning(all);
            Map<TopicPartition, Long> beginning = retrying("beginning offsets", () -> reader.beginningOffsets(all));
            Map<TopicPartition, Long> end = retrying("end offsets", () -> reader.endOffsets(all));
            if (!this.running || beginning == null || end == null) {
                return;
            }
            this.lastFailure = null;
            this.table.start(position(partitions, beginning::get), position(partitions, end::get));
            logger.info("Loading the table from {} partitions ({}) up to {}", all.size(), counts(partitions), end);
            Map<String, TableTopic> topics = new HashMap<>();
            for (TableTopic topic : TableTopic.values()) {
                topics.put(this.namespace.name(topic.topic()), topic);
            }
            Map<TopicPartition, Long> remaining = new HashMap<>(end);
            long nextProbe = 0;
            while (this.running) {
                ConsumerRecords<byte[], byte[]> records = reader.poll(POLL_TIMEOUT);
                List<TableRecord> decoded = new ArrayList<>(records.count());
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    decoded.add(this.decoder.decode(topics.get(record.topic()), record));
                }
                this.table.apply(decoded, position(partitions, reader::position));
                if (remaining != null && reachedEnd(reader, remaining)) {
                    remaining = null;
                    this.table.markLoaded();
                    logger.info("Table loaded at position {}: {} sessions, {} connections, {} agents",
                            this.table.position(), this.table.sessionCount(), this.table.connections().size(),
                            this.table.agents().size());
                }
                long now = this.clock.millis();
                // Records are an answer from the cluster as good as the probe's.
                this.progress = records.isEmpty() ? this.progress.read(now) : this.progress.read(now).contact(now);
                if (now >= nextProbe) {
                    probe(reader, all, now);
                    nextProbe = now + PROBE_INTERVAL.toMillis();
                }
            }
        }
        catch (WakeupException | InterruptException ex) {
            if (this.running) {
                logger.error("Table reader interrupted while running; the table stops following the topics", ex);
            }
        }
        catch (RuntimeException ex) {
            // Nothing sensible is left to do: the table is frozen. Readiness reports it (see TableHealthIndicator).
            logger.error("Table reader failed; the table stops following the topics", ex);
        }
        finally {
            this.running = false;
        }
    }

    /** Asks the cluster for the end offsets: an answer is contact (and gives the lag), none is an outage. */
    private void probe(Consumer<byte[], byte[]> reader, List<TopicPartition> all, long now) {
        try {
            Map<TopicPartition, Long> end = reader.endOffsets(all, PROBE_TIMEOUT);
            long behind = 0;
            for (TopicPartition partition : all) {
                behind += Math.max(0, end.getOrDefault(partition, 0L) - reader.position(partition));
            }
            this.lag.set(behind);
            this.progress = this.progress.contact(this.clock.millis());
            if (this.probeFailing) {
                this.probeFailing = false;
                logger.info("Kafka answers the table reader again");
            }
        }
        catch (WakeupException | InterruptException ex) {
            // Being stopped: not an outage.
            throw ex;
        }
        catch (KafkaException ex) {
            // Retriable or not, an unanswered question is reported (the view pauses) and asked again: the reader
            // must not end over it.
            this.failures.increment();
            this.progress = this.progress.contactFailed("could not get end offsets: " + ex.getMessage());
            if (!this.probeFailing) {
                this.probeFailing = true;
                logger.warn("Kafka does not answer the table reader ({}); last answer {} ms ago", ex.getMessage(),
                        now - this.progress.lastContactAt());
            }
        }
    }

    /**
     * Runs a call that needs the cluster until it succeeds: a broker that is not reachable yet (or a timeout) is
     * logged with its reason, counted, and retried with the one backoff ({@link ReconnectBackoff}), so that the reader waits for Kafka
     * instead of ending. Returns null once the reader is stopped.
     */
    private <T> T retrying(String what, Supplier<T> call) {
        ReconnectBackoff backoff = ReconnectBackoff.withJitter(this.backoffInitial, this.backoffMax);
        while (this.running) {
            try {
                return call.get();
            }
            catch (RetriableException ex) {
                this.failures.increment();
                this.lastFailure = "could not get " + what + ": " + ex.getMessage();
                long wait = backoff.next().toMillis();
                logger.warn("Could not get {} from Kafka ({}); retrying in {} ms", what, ex.getMessage(), wait);
                pause(wait);
            }
        }
        return null;
    }

    /** Waits, or returns early when stopped. */
    private void pause(long millis) {
        synchronized (this.lifecycle) {
            // wait(0) would wait for ever, and a jittered backoff may draw 0.
            if (!this.running || millis <= 0) {
                return;
            }
            try {
                this.lifecycle.wait(millis);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                this.running = false;
            }
        }
    }

    private List<TopicPartition> awaitPartitions(Consumer<byte[], byte[]> reader, TableTopic topic) {
        String name = this.namespace.name(topic.topic());
        while (this.running) {
            List<PartitionInfo> infos = reader.partitionsFor(name, TOPIC_WAIT);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(name, info.partition()))
                        .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                        .toList();
            }
            this.lastFailure = "waiting for topic " + name + " to exist";
            logger.warn("Waiting for topic {} to exist", name);
            pause(TOPIC_WAIT.toMillis());
        }
        return List.of();
    }

    /** The position of {@code offset} for each partition of each table topic. */
    private static Position position(Map<TableTopic, List<TopicPartition>> partitions,
            ToLongFunction<TopicPartition> offset) {
        long[][] offsets = new long[TableTopic.values().length][];
        for (TableTopic topic : TableTopic.values()) {
            List<TopicPartition> ofTopic = partitions.get(topic);
            offsets[topic.ordinal()] = new long[ofTopic.size()];
            for (int i = 0; i < ofTopic.size(); i++) {
                offsets[topic.ordinal()][i] = offset.applyAsLong(ofTopic.get(i));
            }
        }
        return Position.of(offsets);
    }

    private static String counts(Map<TableTopic, List<TopicPartition>> partitions) {
        StringBuilder text = new StringBuilder();
        partitions.forEach((topic, ofTopic) -> text.append(text.isEmpty() ? "" : ", ").append(ofTopic.size())
                .append(' ').append(topic.topic().baseName()));
        return text.toString();
    }

    private static boolean reachedEnd(Consumer<byte[], byte[]> reader, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (reader.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

}
