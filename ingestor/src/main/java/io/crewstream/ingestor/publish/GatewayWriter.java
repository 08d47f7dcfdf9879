package io.crewstream.ingestor.publish;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import io.crewstream.ingestor.publish.GatewayWriters.WriterUnavailableException;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEvents;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one gateway's records through its own transactional producer, from a thread of its own: takes what is
 * queued (no waiting for more: a record handed over while a transaction commits goes into the next one), begins a
 * transaction, sends them, commits, and only then completes their futures. So a record's future says it is readable
 * to {@code read_committed} readers, and nothing a fenced writer sent ever is.
 *
 * <p>What can happen to a transaction:
 * <ul>
 * <li>committed: the records are written;</li>
 * <li>fenced ({@link ProducerFencedException}, directly or from the abort that follows an
 * {@link InvalidProducerEpochException}, which is how a fenced producer's sends fail): another instance opened the
 * gateway's writer; the records are refused (this instance does not own the gateway, nothing of it is lost here,
 * publishing is not degraded) and the writer is lost;</li>
 * <li>anything else (a send's delivery timeout, an abortable error, an {@link InvalidProducerEpochException} because
 * the coordinator aborted a transaction that outlived its timeout): the records failed (publishing degraded), the
 * transaction is aborted and the writer goes on with the next records. When even the abort fails, the producer can
 * do nothing more and the writer is lost: fenced when the producer's epoch was taken over (a
 * {@link ProducerFencedException} or {@link InvalidProducerEpochException} the abort could not clear: another
 * producer may have opened the id, and re-opening it on our own could fence the rightful owner), else not.</li>
 * </ul>
 * {@code commitTransaction} and {@code abortTransaction} that time out ({@code max.block.ms}) are called again, as
 * Kafka requires, until they end otherwise or the writer is {@linkplain #close closed}.
 *
 * <p>Threading: {@link #enqueue} may be called from any thread; {@link #open} and {@link #close} from one thread at a
 * time (the {@link RecordSender}'s callers'), and they block. The queue and the phase are guarded by this object's
 * monitor; the producer is used by the writer thread only, except that {@link #close} closes it from the caller's
 * thread when the writer thread did not finish in time (which makes the thread's blocked call fail). The
 * {@link Outcomes} are called on the writer thread.
 */
final class GatewayWriter {

    private static final Logger log = LoggerFactory.getLogger(GatewayWriter.class);

    /**
     * Most bytes of records one transaction takes: half the producer's default {@code buffer.memory}, so that sending
     * a transaction's records never waits for buffer space its own earlier records hold.
     */
    static final long MAX_TRANSACTION_BYTES = 16L * 1024 * 1024;

    /** What the writer reports; called on its thread. */
    interface Outcomes {

        /** The records' transaction committed; {@code written[i]} is where {@code batch[i]} is. */
        void committed(List<OutboundRecord> batch, List<RecordMetadata> written);

        /** The records were not written although this instance owns the gateway: publishing is degraded. */
        void failed(List<OutboundRecord> batch, String reason);

        /** The records were not written because this instance is not the gateway's writer (any more). */
        void refused(List<OutboundRecord> batch, String reason);

        void transactionEnded(TransactionOutcome outcome);

        /** The writer can write no more; {@code closing} when that happened while it was being closed. */
        void lost(GatewayWriter writer, boolean fenced, String reason, boolean closing);
    }

    enum TransactionOutcome {
        COMMITTED, ABORTED, FENCED
    }

    /** The writer's phases: created, open (taking records), closing (writing what is queued), lost. */
    private sealed interface Phase {

        record Created() implements Phase {
        }

        record Open() implements Phase {
        }

        record Closing() implements Phase {
        }

        record Lost(boolean fenced, String reason) implements Phase {
        }
    }

    private final String connectionId;
    private final Producer<String, byte[]> producer;
    private final TopicNamespace namespace;
    private final byte[] writer;
    private final Outcomes outcomes;
    private final ArrayDeque<OutboundRecord> queue = new ArrayDeque<>();
    private Phase phase = new Phase.Created();
    private Thread thread;

    /**
     * @param producer a transactional producer whose transactional id is the gateway's; this writer closes it
     * @param writer the instance id, written on every record as {@link CloudEvents#WRITER_HEADER}
     */
    GatewayWriter(String connectionId, Producer<String, byte[]> producer, TopicNamespace namespace, String writer,
            Outcomes outcomes) {
        this.connectionId = connectionId;
        this.producer = producer;
        this.namespace = namespace;
        this.writer = writer.getBytes(StandardCharsets.UTF_8);
        this.outcomes = outcomes;
    }

    String connectionId() {
        return this.connectionId;
    }

    /**
     * Makes the producer the gateway's only writer ({@code initTransactions}, which fences every producer that opened
     * the id before and aborts what it left open), then starts the writer thread. Tries again while Kafka times out,
     * until {@code timeout} has passed (plus at most one attempt of {@code max.block.ms}).
     *
     * @throws WriterUnavailableException when Kafka did not confirm in time or refused; the producer is closed then
     */
    void open(Duration timeout, Clock clock) {
        long deadline = clock.millis() + timeout.toMillis();
        while (true) {
            try {
                this.producer.initTransactions();
                break;
            }
            catch (TimeoutException ex) {
                if (clock.millis() >= deadline) {
                    this.producer.close(Duration.ZERO);
                    throw new WriterUnavailableException("Kafka did not make this instance the writer of '"
                            + this.connectionId + "' within " + timeout, ex);
                }
            }
            catch (RuntimeException ex) {
                this.producer.close(Duration.ZERO);
                throw new WriterUnavailableException("Kafka refused to make this instance the writer of '"
                        + this.connectionId + "': " + describe(ex), ex);
            }
        }
        Thread started = new Thread(this::run, "kafka-writer-" + this.connectionId);
        started.setDaemon(true);
        synchronized (this) {
            this.phase = new Phase.Open();
            this.thread = started;
        }
        started.start();
    }

    /** Queues a record for the next transaction; false when the writer takes no more records (closing or lost). */
    synchronized boolean enqueue(OutboundRecord record) {
        if (!(this.phase instanceof Phase.Open)) {
            return false;
        }
        this.queue.add(record);
        notifyAll();
        return true;
    }

    synchronized boolean isOpen() {
        return this.phase instanceof Phase.Open;
    }

    /**
     * Takes no more records, writes what is queued, and closes the producer; waits up to {@code timeout} for that,
     * then closes the producer at once (what was not committed is lost and reported failed).
     */
    void close(Duration timeout) {
        Thread running;
        synchronized (this) {
            if (this.phase instanceof Phase.Open) {
                this.phase = new Phase.Closing();
                notifyAll();
            }
            running = this.thread;
        }
        if (running == null) {
            return;
        }
        try {
            running.join(Math.max(1, timeout.toMillis()));
            if (running.isAlive()) {
                log.warn("[{}] Kafka did not take the writer's last records within {}; closing its producer now",
                        this.connectionId, timeout);
                this.producer.close(Duration.ZERO);
                running.join(Math.max(1, timeout.toMillis()));
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            List<OutboundRecord> batch = nextBatch();
            while (!batch.isEmpty() && write(batch)) {
                batch = nextBatch();
            }
        }
        finally {
            this.producer.close(Duration.ZERO);
        }
    }

    /** Waits for records; empty once closing and all are written. */
    private synchronized List<OutboundRecord> nextBatch() {
        while (this.queue.isEmpty() && this.phase instanceof Phase.Open) {
            try {
                wait();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        List<OutboundRecord> batch = new ArrayList<>();
        long bytes = 0;
        while (!this.queue.isEmpty() && (batch.isEmpty() || bytes + this.queue.peek().value().length
                <= MAX_TRANSACTION_BYTES)) {
            OutboundRecord record = this.queue.poll();
            bytes += record.value().length;
            batch.add(record);
        }
        return batch;
    }

    /** One transaction; false when the writer is lost. */
    private boolean write(List<OutboundRecord> batch) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        try {
            this.producer.beginTransaction();
            for (OutboundRecord record : batch) {
                acks.add(this.producer.send(producerRecord(record)));
            }
            untilNotTimedOut(this.producer::commitTransaction, "commit");
        }
        catch (RuntimeException failure) {
            return writeFailed(batch, failure);
        }
        List<RecordMetadata> written = new ArrayList<>(acks.size());
        for (Future<RecordMetadata> ack : acks) {
            written.add(metadata(ack));
        }
        this.outcomes.transactionEnded(TransactionOutcome.COMMITTED);
        this.outcomes.committed(batch, written);
        return true;
    }

    private boolean writeFailed(List<OutboundRecord> batch, RuntimeException failure) {
        String reason = describe(failure);
        if (causedBy(failure, ProducerFencedException.class)) {
            this.outcomes.transactionEnded(TransactionOutcome.FENCED);
            this.outcomes.refused(batch, "fenced: another instance writes for '" + this.connectionId + "' now");
            lost(true, reason);
            return false;
        }
        // A taken-over epoch is how a fenced producer's sends fail (the partition leader answers before the
        // coordinator): whether this instance was fenced or only its transaction timed out, the abort tells, and
        // quickly, as the coordinator is there. Any other failure is reported before the abort, which may wait as
        // long as Kafka is away: the outage shows at once.
        boolean reportAfterAbort = epochTakenOver(failure);
        if (!reportAfterAbort) {
            this.outcomes.failed(batch, reason);
        }
        try {
            untilNotTimedOut(this.producer::abortTransaction, "abort");
        }
        catch (RuntimeException abortFailed) {
            boolean fenced = epochTakenOver(failure) || epochTakenOver(abortFailed);
            this.outcomes.transactionEnded(fenced ? TransactionOutcome.FENCED : TransactionOutcome.ABORTED);
            if (reportAfterAbort && fenced) {
                this.outcomes.refused(batch, "fenced: another instance writes for '" + this.connectionId + "' now");
            }
            else if (reportAfterAbort) {
                this.outcomes.failed(batch, reason);
            }
            lost(fenced, reason + "; then the abort failed: " + describe(abortFailed));
            return false;
        }
        if (reportAfterAbort) {
            this.outcomes.failed(batch, reason);
        }
        this.outcomes.transactionEnded(TransactionOutcome.ABORTED);
        return true;
    }

    private void lost(boolean fenced, String reason) {
        List<OutboundRecord> rest;
        boolean closing;
        synchronized (this) {
            closing = this.phase instanceof Phase.Closing;
            this.phase = new Phase.Lost(fenced, reason);
            rest = new ArrayList<>(this.queue);
            this.queue.clear();
        }
        if (!rest.isEmpty()) {
            if (fenced) {
                this.outcomes.refused(rest, "fenced: another instance writes for '" + this.connectionId + "' now");
            }
            else {
                this.outcomes.failed(rest, "the writer of '" + this.connectionId + "' failed: " + reason);
            }
        }
        this.outcomes.lost(this, fenced, reason, closing);
    }

    /** Runs a transaction's end again while it times out, as the producer requires, unless the writer is lost. */
    private void untilNotTimedOut(Runnable end, String what) {
        boolean warned = false;
        while (true) {
            try {
                end.run();
                return;
            }
            catch (TimeoutException ex) {
                if (!warned) {
                    log.warn("[{}] The transaction's {} timed out ({}); trying again until Kafka answers",
                            this.connectionId, what, ex.getMessage());
                    warned = true;
                }
            }
        }
    }

    private ProducerRecord<String, byte[]> producerRecord(OutboundRecord record) {
        RecordHeaders headers = new RecordHeaders();
        record.attributes().writeTo(headers);
        headers.add(CloudEvents.WRITER_HEADER, this.writer);
        return new ProducerRecord<>(this.namespace.name(record.topic()), null, record.key(), record.value(), headers);
    }

    /** Where a committed record is: its send completed before the commit returned. */
    private static RecordMetadata metadata(Future<RecordMetadata> ack) {
        try {
            return ack.get();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading a committed record's metadata", ex);
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException("a send of a committed transaction failed", ex.getCause());
        }
    }

    private static boolean epochTakenOver(Throwable failure) {
        return causedBy(failure, ProducerFencedException.class) || causedBy(failure, InvalidProducerEpochException.class);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
