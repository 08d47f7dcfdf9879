package io.crewstream.ingestor.publish;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands serialized records to one Kafka producer, in the order they were given, from a thread of its own.
 *
 * <p>Why a thread: {@code Producer#send} can block (up to {@code max.block.ms}) while the cluster is unreachable;
 * upstream supervisors must keep reading their sockets and watching ticks meanwhile, so they only enqueue here.
 * Records of one connection keep their order: one thread sends, and the producer keeps per-partition order
 * (idempotence). The queue is bounded by {@code maxPendingRecords}: beyond it a record fails at once, which marks
 * publishing degraded like any other failed send (the recovery snapshot then replaces what was lost).
 *
 * <p>Threading: {@link #send} may be called from any thread. Producer callbacks run on the producer's I/O thread and
 * only touch {@link PublishHealth} and meters, which are thread-safe. {@link #start()} (which creates the publisher
 * thread and registers the meters) and {@link #close()} synchronize on this object; a record sent before
 * {@link #start()} or after {@link #close()} fails like any other unsent record.
 */
public final class RecordSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecordSender.class);

    private final Producer<String, byte[]> producer;
    private final TopicNamespace namespace;
    private final PublishHealth health;
    private final int maxPendingRecords;
    private final MeterRegistry registry;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<Topic, Timer> latency = new EnumMap<>(Topic.class);
    // Set by start() (under this object's monitor), read by any thread that sends.
    private volatile ExecutorService thread;
    private volatile Counter failures;

    public RecordSender(Producer<String, byte[]> producer, TopicNamespace namespace, PublishHealth health,
            int maxPendingRecords, MeterRegistry registry) {
        this.producer = producer;
        this.namespace = namespace;
        this.health = health;
        this.maxPendingRecords = maxPendingRecords;
        this.registry = registry;
    }

    /** Registers the meters and starts the publisher thread. Does nothing when already started. */
    public synchronized void start() {
        if (this.thread != null) {
            return;
        }
        for (Topic topic : Topic.values()) {
            this.latency.put(topic, Timer.builder("crewstream.ingestor.publish.latency")
                    .description("From handing a record to the producer to its acknowledgement (acks=all)")
                    .tag("topic", topic.name().toLowerCase(Locale.ROOT))
                    .register(this.registry));
        }
        this.failures = Counter.builder("crewstream.ingestor.publish.failures")
                .description("Records Kafka did not accept (each one marks publishing degraded)")
                .register(this.registry);
        Gauge.builder("crewstream.ingestor.publish.pending", this.pending, AtomicInteger::get)
                .description("Records handed over and not yet acknowledged or failed")
                .register(this.registry);
        Gauge.builder("crewstream.ingestor.publish.degraded", this.health, h -> h.degraded() ? 1 : 0)
                .description("1 while sends fail, 0 when Kafka accepts them")
                .register(this.registry);
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "kafka-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues a record with its CloudEvents attributes as headers; never blocks. A failure is reported to
     * {@link PublishHealth}, never thrown.
     */
    public void send(Topic topic, String key, byte[] value, CloudEvents attributes) {
        send(topic, key, value, attributes, null);
    }

    /**
     * {@link #send}, telling when Kafka has acknowledged the record.
     *
     * @return completes with the record's offset once acknowledged, exceptionally when the send failed
     */
    public CompletableFuture<Long> sendAcknowledged(Topic topic, String key, byte[] value, CloudEvents attributes) {
        CompletableFuture<Long> acknowledged = new CompletableFuture<>();
        send(topic, key, value, attributes, acknowledged);
        return acknowledged;
    }

    private void send(Topic topic, String key, byte[] value, CloudEvents attributes,
            CompletableFuture<Long> acknowledged) {
        long seq = this.sequence.incrementAndGet();
        OutboundRecord record = new OutboundRecord(topic, key, value, attributes, seq, acknowledged);
        if (this.pending.incrementAndGet() > this.maxPendingRecords) {
            failed(record, "more than " + this.maxPendingRecords + " records waiting for Kafka");
            return;
        }
        ExecutorService thread = this.thread;
        if (thread == null) {
            failed(record, "the publisher is not started");
            return;
        }
        try {
            thread.execute(() -> sendNow(record));
        }
        catch (RejectedExecutionException ex) {
            failed(record, "the publisher is stopped");
        }
    }

    private void sendNow(OutboundRecord record) {
        long started = System.nanoTime();
        String topicName = this.namespace.name(record.topic());
        try {
            ProducerRecord<String, byte[]> message = new ProducerRecord<>(topicName, null, record.key(),
                    record.value(), record.attributes().writeTo(new RecordHeaders()));
            this.producer.send(message, (metadata, error) -> {
                if (error != null) {
                    failed(record, error.getClass().getSimpleName() + ": " + error.getMessage());
                    return;
                }
                this.pending.decrementAndGet();
                this.latency.get(record.topic()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                this.health.recordSuccess(record.sequence());
                if (record.acknowledged() != null) {
                    record.acknowledged().complete(metadata.offset());
                }
            });
        }
        catch (RuntimeException ex) {
            // send() throws for what never reached the buffer: metadata timeout, record too large, closed producer.
            failed(record, ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
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
        if (record.acknowledged() != null) {
            record.acknowledged().completeExceptionally(new IllegalStateException(reason));
        }
    }

    /** Sends what is queued (waiting up to 10 s), then closes the producer, which flushes what it buffers. */
    @Override
    public synchronized void close() {
        ExecutorService thread = this.thread;
        if (thread != null) {
            thread.shutdown();
            try {
                if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("Stopped the Kafka publisher with {} records still queued", this.pending.get());
                    thread.shutdownNow();
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        this.producer.close(Duration.ofSeconds(10));
    }
}
