package io.crewstream.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Does something at a fixed rate against the clock, not after fixed sleeps: a late step is caught up at once, so a
 * stall in the harness shows up as latency in the figures rather than as a lower offered rate. Stateless.
 */
public final class Pacer {

    private Pacer() {
    }

    /** Calls {@code step} with 0, 1, 2, … at {@code perSecond} for {@code seconds}; returns how many steps ran. */
    public static long run(double perSecond, double seconds, LongConsumer step) {
        long total = (long) (perSecond * seconds);
        long[] done = new long[1];
        run(perSecond, () -> done[0] < total, index -> {
            step.accept(index);
            done[0]++;
        });
        return total;
    }

    /** Calls {@code step} with 0, 1, 2, … at {@code perSecond} while {@code going} holds. */
    public static void run(double perSecond, BooleanSupplier going, LongConsumer step) {
        long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
        long start = System.nanoTime();
        for (long i = 0; going.getAsBoolean(); i++) {
            long wait = start + i * intervalNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            step.accept(i);
        }
    }
}
