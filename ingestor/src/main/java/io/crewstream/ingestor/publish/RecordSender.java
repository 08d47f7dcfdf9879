package io.crewstream.ingestor.publish;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestor's {@link GatewayWriters}: one {@link GatewayWriter} per open gateway, each with its own transactional
 * producer and thread. A record goes to the writer of its key's gateway (every ingestor topic is keyed by connection
 * id).
 *
 * <p>Why a thread per gateway rather than one publisher thread: a transaction belongs to one producer, and a commit
 * blocks its thread until Kafka answers (while the cluster is away, for as long as it is away); with one thread, one
 * gateway's slow or fenced transaction would hold back every other gateway's records, and a takeover (which closes a
 * writer, waiting for its last commit) would stall them all. The ingestor writes for a handful of gateways, so a
 * thread each is cheap. Records of one connection keep their order: one thread sends them, in one producer.
 *
 * <p>Never blocks a caller of {@link #send}: upstream supervisors must keep reading their sockets while Kafka is slow.
 * Records waiting for Kafka are bounded by {@code maxPendingRecords}: beyond it a record fails at once, which marks
 * publishing degraded like any other failed record (the recovery snapshot then replaces what was lost). A record for a
 * gateway whose writer is not open is refused at once without marking anything degraded.
 *
 * <p>Threading: every method may be called from any thread. {@link #open}, {@link #close(String, Duration)} and
 * {@link #close()} block; {@link #start()} (which registers the meters) and {@link #close()} synchronize on this
 * object. Writers live in a concurrent map. What a caller chains on a future {@link #send} returned runs on the thread
 * that completes it (a writer thread, or the calling thread when the record fails at once), so it must be short; so
 * must the {@link WriterLostListener}, which runs on a writer thread.
 */
public final class RecordSender implements GatewayWriters, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecordSender.class);

    /** How long {@link #close()} waits for each gateway's last records. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Function<String, Producer<String, byte[]>> producers;
    private final TopicNamespace namespace;
    private final PublishHealth health;
    private final int maxPendingRecords;
    private final String instanceId;
    private final MeterRegistry registry;
    private final Clock clock;
    private final ConcurrentMap<String, GatewayWriter> writers = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<Topic, Timer> latency = new EnumMap<>(Topic.class);
    private final Map<GatewayWriter.TransactionOutcome, Counter> transactions =
            new EnumMap<>(GatewayWriter.TransactionOutcome.class);
    private final GatewayWriter.Outcomes outcomes = new Outcomes();
    private volatile WriterLostListener listener = (connectionId, fenced, reason) -> { };
    // Set by start() (under this object's monitor), read by any thread.
    private volatile boolean started;
    private volatile boolean closed;
    private volatile Counter failures;
    private volatile Counter refused;

    /**
     * @param producers makes the transactional producer of a gateway (its transactional id the gateway's,
     *     {@link ProducerSettings#transactionalId}); called on each {@link #open}
     * @param instanceId this instance's id, written on every record as {@link CloudEvents#WRITER_HEADER}
     */
    public RecordSender(Function<String, Producer<String, byte[]>> producers, TopicNamespace namespace,
            PublishHealth health, int maxPendingRecords, String instanceId, MeterRegistry registry, Clock clock) {
        this.producers = producers;
        this.namespace = namespace;
        this.health = health;
        this.maxPendingRecords = maxPendingRecords;
        this.instanceId = instanceId;
        this.registry = registry;
        this.clock = clock;
    }

    /** Registers the meters; writers may be opened from then on. Does nothing when already started. */
    public synchronized void start() {
        if (this.started) {
            return;
        }
        for (Topic topic : Topic.values()) {
            this.latency.put(topic, Timer.builder("crewstream.ingestor.publish.latency")
                    .description("From handing a record over to the commit of its transaction (acks=all)")
                    .tag("topic", topic.name().toLowerCase(Locale.ROOT))
                    .register(this.registry));
        }
        for (GatewayWriter.TransactionOutcome outcome : GatewayWriter.TransactionOutcome.values()) {
            this.transactions.put(outcome, Counter.builder("crewstream.ingestor.publish.transactions")
                    .description("Transactions of the gateways' writers, by how they ended")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(this.registry));
        }
        this.failures = Counter.builder("crewstream.ingestor.publish.failures")
                .description("Records Kafka did not accept (each one marks publishing degraded)")
                .register(this.registry);
        this.refused = Counter.builder("crewstream.ingestor.publish.refused")
                .description("Records not written because this instance is not their gateway's writer")
                .register(this.registry);
        Gauge.builder("crewstream.ingestor.publish.pending", this.pending, AtomicInteger::get)
                .description("Records handed over and not yet committed or failed")
                .register(this.registry);
        Gauge.builder("crewstream.ingestor.publish.degraded", this.health, h -> h.degraded() ? 1 : 0)
                .description("1 while sends fail, 0 when Kafka accepts them")
                .register(this.registry);
        this.started = true;
    }

    @Override
    public void open(String connectionId, Duration timeout) {
        if (!this.started || this.closed) {
            // Closed: a writer opened now would never be closed, and would fence whoever owns the gateway next.
            throw new WriterUnavailableException("the publisher is " + (this.closed ? "closed" : "not started"), null);
        }
        GatewayWriter previous = this.writers.remove(connectionId);
        if (previous != null) {
            // Closed first, not fenced by the new producer: its records are this instance's and still owed.
            previous.close(timeout);
        }
        GatewayWriter writer = new GatewayWriter(connectionId, this.producers.apply(connectionId), this.namespace,
                this.instanceId, this.outcomes);
        writer.open(timeout, this.clock);
        this.writers.put(connectionId, writer);
        log.info("[{}] This instance ({}) is the gateway's writer now", connectionId, this.instanceId);
    }

    @Override
    public void close(String connectionId, Duration timeout) {
        GatewayWriter writer = this.writers.remove(connectionId);
        if (writer != null) {
            writer.close(timeout);
            log.info("[{}] This instance ({}) no longer writes for the gateway", connectionId, this.instanceId);
        }
    }

    @Override
    public boolean isOpen(String connectionId) {
        GatewayWriter writer = this.writers.get(connectionId);
        return writer != null && writer.isOpen();
    }

    @Override
    public void onWriterLost(WriterLostListener listener) {
        this.listener = listener;
    }

    /**
     * Queues a record for its gateway's writer, with its CloudEvents attributes and this instance's id as headers;
     * never blocks. A failure is reported to {@link PublishHealth} (unless the gateway's writer is not open here),
     * never thrown.
     *
     * @param key the connection id: it says which gateway's writer writes the record
     * @return completed with the record's partition and offset once its transaction committed, or exceptionally (a
     *     {@link SendFailedException} saying why) when it was not written; most callers need neither
     */
    public CompletableFuture<RecordMetadata> send(Topic topic, String key, byte[] value, CloudEvents attributes) {
        OutboundRecord record = new OutboundRecord(topic, key, value, attributes, this.sequence.incrementAndGet(),
                System.nanoTime(), new CompletableFuture<>());
        GatewayWriter writer = this.writers.get(key);
        if (writer == null) {
            refuse(record, "this instance is not the writer of '" + key + "'");
            return record.acknowledged();
        }
        if (this.pending.incrementAndGet() > this.maxPendingRecords) {
            failed(record, "more than " + this.maxPendingRecords + " records waiting for Kafka");
            return record.acknowledged();
        }
        if (!writer.enqueue(record)) {
            this.pending.decrementAndGet();
            refuse(record, "the writer of '" + key + "' is closed");
        }
        return record.acknowledged();
    }

    private void failed(OutboundRecord record, String reason) {
        this.pending.decrementAndGet();
        Counter failures = this.failures;
        if (failures != null) {
            failures.increment();
        }
        log.warn("Could not publish a record to {} for key '{}' ({} bytes): {}", record.topic(), record.key(),
                record.value().length, reason);
        this.health.recordFailure(record.sequence(), "sending to " + record.topic() + " failed: " + reason);
        record.acknowledged().completeExceptionally(new SendFailedException(reason));
    }

    private void refuse(OutboundRecord record, String reason) {
        Counter refused = this.refused;
        if (refused != null) {
            refused.increment();
        }
        log.debug("Refused a record to {} for key '{}': {}", record.topic(), record.key(), reason);
        record.acknowledged().completeExceptionally(new SendFailedException(reason));
    }

    /** Why a record handed to {@link #send} was not written. */
    public static final class SendFailedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        SendFailedException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Writes what is queued for every gateway (waiting up to 10 s each), then closes their producers. */
    @Override
    public synchronized void close() {
        this.closed = true;
        for (String connectionId : List.copyOf(this.writers.keySet())) {
            close(connectionId, CLOSE_TIMEOUT);
        }
    }

    /** What the writers report, on their threads. */
    private final class Outcomes implements GatewayWriter.Outcomes {

        @Override
        public void committed(List<OutboundRecord> batch, List<RecordMetadata> written) {
            long now = System.nanoTime();
            long last = -1;
            for (int i = 0; i < batch.size(); i++) {
                OutboundRecord record = batch.get(i);
                RecordSender.this.pending.decrementAndGet();
                RecordSender.this.latency.get(record.topic()).record(now - record.handedOverNanos(),
                        TimeUnit.NANOSECONDS);
                last = Math.max(last, record.sequence());
            }
            RecordSender.this.health.recordSuccess(last);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).acknowledged().complete(written.get(i));
            }
        }

        @Override
        public void failed(List<OutboundRecord> batch, String reason) {
            batch.forEach(record -> RecordSender.this.failed(record, reason));
        }

        @Override
        public void refused(List<OutboundRecord> batch, String reason) {
            for (OutboundRecord record : batch) {
                RecordSender.this.pending.decrementAndGet();
                refuse(record, reason);
            }
        }

        @Override
        public void transactionEnded(GatewayWriter.TransactionOutcome outcome) {
            RecordSender.this.transactions.get(outcome).increment();
        }

        @Override
        public void lost(GatewayWriter writer, boolean fenced, String reason, boolean closing) {
            RecordSender.this.writers.remove(writer.connectionId(), writer);
            if (closing) {
                log.warn("[{}] The gateway's writer failed while closing: {}", writer.connectionId(), reason);
                return;
            }
            if (fenced) {
                log.warn("[{}] FENCED: another ingestor instance writes for the gateway now; this one ({}) stops "
                        + "writing for it ({})", writer.connectionId(), RecordSender.this.instanceId, reason);
            }
            else {
                log.error("[{}] The gateway's writer can write no more: {}", writer.connectionId(), reason);
            }
            RecordSender.this.listener.writerLost(writer.connectionId(), fenced, reason);
        }
    }
}
