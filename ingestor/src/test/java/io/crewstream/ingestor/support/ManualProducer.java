package io.crewstream.ingestor.support;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An in-memory transactional producer whose commits the test holds back or fails: {@link #history()} holds the
 * records of committed transactions only, so a test sees exactly what {@code read_committed} readers would.
 *
 * <p>Thread-safe: commits run on a writer thread while the test holds, releases and fails them from its own.
 */
public final class ManualProducer extends MockProducer<String, byte[]> {

    private final Object gate = new Object();
    private final Queue<RuntimeException> failures = new ConcurrentLinkedQueue<>();
    private boolean held;

    public ManualProducer() {
        super(true, null, new StringSerializer(), new ByteArraySerializer());
    }

    /** Commits wait until {@link #release()}. */
    public void hold() {
        synchronized (this.gate) {
            this.held = true;
        }
    }

    public void release() {
        synchronized (this.gate) {
            this.held = false;
            this.gate.notifyAll();
        }
    }

    /** The next commit throws {@code failure} instead, leaving its transaction open to be aborted. */
    public void failNextCommit(RuntimeException failure) {
        this.failures.add(failure);
    }

    @Override
    public void commitTransaction() {
        synchronized (this.gate) {
            while (this.held) {
                try {
                    this.gate.wait();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the commit was held", ex);
                }
            }
        }
        RuntimeException failure = this.failures.poll();
        if (failure != null) {
            throw failure;
        }
        super.commitTransaction();
    }
}
