package io.crewstream.ingestor.upstream;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random time between zero and
 * {@code min(max, initial × 2^n)}, so that many ingestors losing the same gateway do not return in lockstep.
 *
 * <p>Not thread-safe: owned by one supervisor's thread.
 */
final class ReconnectBackoff {

    private final long initialMs;
    private final long maxMs;
    private final LongUnaryOperator random;
    private int failures;

    /** @param random given a bound {@code b}, a uniform value in {@code [0, b]} */
    ReconnectBackoff(Duration initial, Duration max, LongUnaryOperator random) {
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    Duration next() {
        long ceiling = ceiling(this.failures);
        this.failures = Math.min(this.failures + 1, 62);
        return Duration.ofMillis(this.random.applyAsLong(ceiling));
    }

    /** The ceiling the next call of {@link #next()} draws under. */
    long nextCeilingMs() {
        return ceiling(this.failures);
    }

    void reset() {
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
