package io.crewstream.ingestor.publish;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether records reach Kafka. A failed send makes the ingestor <em>degraded</em>; it stays degraded until a record
 * handed over <em>after</em> the last failure is acknowledged, which proves the path works again. Then every
 * recovery listener is told, so that each connected upstream publishes a fresh full snapshot: whatever was lost
 * while degraded is replaced.
 *
 * <p>Thread-safe: failures and successes are reported from the producer's I/O thread and the sender thread, the state
 * is read by health checks and metrics; all state is guarded by this object's monitor, and listeners are called
 * outside it.
 */
public final class PublishHealth {

    private static final Logger log = LoggerFactory.getLogger(PublishHealth.class);

    private final Clock clock;
    private final List<Runnable> recoveryListeners = new CopyOnWriteArrayList<>();

    private boolean degraded;
    private long degradedSince;
    private long lastFailedSequence = -1;
    private String lastFailure;
    private long failures;

    public PublishHealth(Clock clock) {
        this.clock = clock;
    }

    /** Called (on a Kafka thread) each time sends work again after being degraded. */
    public void onRecovery(Runnable listener) {
        this.recoveryListeners.add(listener);
    }

    /** Undoes {@link #onRecovery}; does nothing for a listener that is not registered. */
    public void removeRecoveryListener(Runnable listener) {
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
        }
        log.error("Kafka publishing is DEGRADED: {}. Records are being lost until Kafka accepts sends again; "
                + "then every connected upstream is re-snapshotted.", reason);
    }

    void recordSuccess(long sequence) {
        synchronized (this) {
            if (!this.degraded || sequence <= this.lastFailedSequence) {
                return;
            }
            this.degraded = false;
        }
        log.info("Kafka publishing recovered; publishing a fresh snapshot of every connected upstream");
        this.recoveryListeners.forEach(Runnable::run);
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
