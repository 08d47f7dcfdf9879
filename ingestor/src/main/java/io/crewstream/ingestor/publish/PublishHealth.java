package io.crewstream.ingestor.publish;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.crewstream.schemas.records.KafkaOutage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether records reach Kafka. A failed send makes the ingestor <em>degraded</em>; it stays degraded until a record
 * handed over <em>after</em> the last failure is acknowledged, which proves the path works again. Then every
 * recovery listener is told, with the outage ({@link KafkaOutage}: from the first failure to that acknowledgement,
 * and how many records failed), so that each upstream records it on its status and each connected one publishes a
 * fresh full snapshot: whatever was lost while degraded is replaced, and replay can show the gap.
 *
 * <p>Thread-safe: failures and successes are reported from the producer's I/O thread and the sender thread, the state
 * is read by health checks and metrics; all state is guarded by this object's monitor, and listeners are called
 * outside it.
 */
public final class PublishHealth {

    private static final Logger log = LoggerFactory.getLogger(PublishHealth.class);

    private final Clock clock;
    private final List<Consumer<KafkaOutage>> recoveryListeners = new CopyOnWriteArrayList<>();

    private boolean degraded;
    private long degradedSince;
    private long lastFailedSequence = -1;
    private String lastFailure;
    private long failures;
    private long failuresBeforeOutage;

    public PublishHealth(Clock clock) {
        this.clock = clock;
    }

    /** Called (on a Kafka thread) each time sends work again after being degraded. */
    public void onRecovery(Consumer<KafkaOutage> listener) {
        this.recoveryListeners.add(listener);
    }

    /** Undoes {@link #onRecovery}; does nothing for a listener that is not registered. */
    public void removeRecoveryListener(Consumer<KafkaOutage> listener) {
        this.recoveryListeners.remove(listener);
    }

    void recordFailure(long sequence, String reason) {
        synchronized (this) {
            this.failures++;
            this.lastFailure = reason;
            this.lastFailedSequence = Math.max(this.lastFailedSequence, sequence);
            if (this.degraded) {
                return;
            }
            this.degraded = true;
            this.degradedSince = this.clock.millis();
            this.failuresBeforeOutage = this.failures - 1;
        }
        log.error("Kafka publishing is DEGRADED: {}. Records are being lost until Kafka accepts sends again; "
                + "then every connected upstream is re-snapshotted.", reason);
    }

    void recordSuccess(long sequence) {
        KafkaOutage outage;
        synchronized (this) {
            if (!this.degraded || sequence <= this.lastFailedSequence) {
                return;
            }
            this.degraded = false;
            outage = new KafkaOutage(this.degradedSince, Math.max(this.degradedSince, this.clock.millis()),
                    this.failures - this.failuresBeforeOutage);
        }
        log.info("Kafka publishing recovered after {} ms ({} records could not be written); publishing a fresh "
                + "snapshot of every connected upstream", outage.to() - outage.from(), outage.failedRecords());
        this.recoveryListeners.forEach(listener -> listener.accept(outage));
    }

    public synchronized boolean degraded() {
        return this.degraded;
    }

    public synchronized long degradedSince() {
        return this.degradedSince;
    }

    public synchronized String lastFailure() {
        return this.lastFailure;
    }

    public synchronized long failures() {
        return this.failures;
    }
}
