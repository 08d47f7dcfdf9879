package io.crewstream.streams;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a stream thread of an app last died, and how many have: recorded by {@link StreamsLifecycle}'s
 * uncaught-exception handler on the dying thread, read by the app's health (and the projector's progress monitor)
 * on theirs. Thread-safe (atomics).
 */
public final class ThreadFailures {

    private final Clock clock;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong lastMillis = new AtomicLong(Long.MIN_VALUE);

    public ThreadFailures(Clock clock) {
        this.clock = clock;
    }

    void record() {
        this.count.incrementAndGet();
        this.lastMillis.set(this.clock.millis());
    }

    public long count() {
        return this.count.get();
    }

    /** Epoch millis of the last failure; {@code Long.MIN_VALUE} if none. */
    public long lastMillis() {
        return this.lastMillis.get();
    }
}
