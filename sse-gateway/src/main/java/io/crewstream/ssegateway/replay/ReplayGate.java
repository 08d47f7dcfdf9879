package io.crewstream.ssegateway.replay;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds how many replay questions run at once. Each one opens its own Kafka consumer, whose fetch buffers and the
 * table it folds (a 10,000-session snapshot is about 20 MB) live until it answers: without a bound, a burst of
 * requests on the API's handler threads could hold gigabytes. A question that finds every permit taken waits a little,
 * then is refused ({@link Busy}, answered 503) rather than queued without end.
 *
 * <p>Thread-safe: called concurrently from request threads.
 */
public final class ReplayGate {

    static final int DEFAULT_PERMITS = 4;

    static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    private final Semaphore permits;

    private final Duration wait;

    public ReplayGate(int permits, Duration wait) {
        this.permits = new Semaphore(permits, true);
        this.wait = wait;
    }

    /** Runs {@code question} once a permit is free. */
    public <T> T run(Supplier<T> question) {
        boolean acquired;
        try {
            acquired = this.permits.tryAcquire(this.wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        if (!acquired) {
            throw new Busy();
        }
        try {
            return question.get();
        }
        finally {
            this.permits.release();
        }
    }

    /** Every permit stayed taken for the whole wait. */
    public static final class Busy extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Busy() {
            super("the gateway is answering as many replay questions as it can; retry shortly");
        }
    }
}
