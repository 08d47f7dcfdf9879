package io.crewstream.runtime;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random time between zero and
 * {@code min(max, initial × 2^n)}, so that many clients losing the same peer do not return in lockstep. The one
 * backoff of crewstream: the ingestor's reconnects, the topic provisioning of every app and the SSE gateway's table
 * reader all wait with it.
 *
 * <p>Not thread-safe: owned by one thread (a supervisor's, a starter's, a reader's) at a time.
 */
public final class ReconnectBackoff {

    private final long initialMs;
    private final long maxMs;
    private final LongUnaryOperator random;
    private int failures;

    /**
     * @param random given a bound {@code b}, a uniform value in {@code [0, b]}; tests pass a fixed rule
     * @throws IllegalArgumentException if {@code initial} is not positive or {@code max} is below it
     */
    public ReconnectBackoff(Duration initial, Duration max, LongUnaryOperator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("A backoff needs 0 < initial <= max, but initial was " + initial
                    + " and max " + max);
        }
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
        this.random = random;
    }

    /** A backoff drawing its delays from {@link ThreadLocalRandom}. */
    public static ReconnectBackoff withJitter(Duration initial, Duration max) {
        return new ReconnectBackoff(initial, max, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public Duration next() {
        long ceiling = ceiling(this.failures);
        this.failures = Math.min(this.failures + 1, 62);
        return Duration.ofMillis(this.random.applyAsLong(ceiling));
    }

    /** The ceiling the next call of {@link #next()} draws under. */
    public long nextCeilingMs() {
        return ceiling(this.failures);
    }

    /** After a success: the next failure waits under the initial ceiling again. */
    public void reset() {
        this.failures = 0;
    }

    private long ceiling(int failureCount) {
        long ceiling = this.initialMs;
        for (int i = 0; i < failureCount && ceiling < this.maxMs; i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, this.maxMs);
    }
}
