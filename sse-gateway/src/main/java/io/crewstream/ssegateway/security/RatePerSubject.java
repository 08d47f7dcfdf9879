package io.crewstream.ssegateway.security;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code limit} grants per subject in any {@code window} (a sliding window: the times of a subject's last
 * {@code limit} grants are kept, and one more is granted once the oldest of them is a window old), and how long a
 * refused subject has to wait. Refusals are not recorded: a client retrying too early is not locked out for longer.
 * Pure bookkeeping on the injected clock, no I/O.
 *
 * <p>Memory: at most {@code limit} times per subject, and only for subjects granted something within the last
 * window: every window, the first call after it has passed forgets the subjects whose last grant is older than a
 * window, so subjects seen once do not accumulate.
 *
 * <p>Threading: any thread; each subject's times are read and changed only inside {@code compute} on its
 * {@link ConcurrentHashMap} entry; one caller at a time runs the sweep (a compare-and-set on its due time).
 */
public final class RatePerSubject {

    /** The answer to "may this subject have one more?". */
    public sealed interface Decision permits Granted, Refused {
    }

    public record Granted() implements Decision {
    }

    /** @param retryAfter when one more would be granted, at least a second, rounded up to whole seconds */
    public record Refused(Duration retryAfter) implements Decision {
    }

    private static final Granted GRANTED = new Granted();

    /** A subject's grant times (clock millis) in a ring, oldest at {@code head}; changed only inside compute. */
    private static final class Grants {

        private long[] times = new long[1];

        private int head;

        private int count;

        private long newest() {
            return this.times[(this.head + this.count - 1) % this.times.length];
        }

        private void forgetOlderThan(long cutoff) {
            while (this.count > 0 && this.times[this.head] <= cutoff) {
                this.head = (this.head + 1) % this.times.length;
                this.count--;
            }
        }

        private void add(long now, int limit) {
            if (this.count == this.times.length) {
                // Grows with what a subject uses, up to the limit: most subjects need a few slots, not the limit.
                long[] grown = new long[Math.min(limit, this.times.length * 2)];
                for (int i = 0; i < this.count; i++) {
                    grown[i] = this.times[(this.head + i) % this.times.length];
                }
                this.times = grown;
                this.head = 0;
            }
            this.times[(this.head + this.count) % this.times.length] = now;
            this.count++;
        }
    }

    private final int limit;

    private final long windowMillis;

    private final Clock clock;

    private final ConcurrentHashMap<String, Grants> subjects = new ConcurrentHashMap<>();

    private final AtomicLong sweepDue = new AtomicLong(Long.MIN_VALUE);

    /** @param limit grants per subject per window; 0 grants everything and keeps nothing */
    public RatePerSubject(int limit, Duration window, Clock clock) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (none) or more but was " + limit);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive but was " + window);
        }
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    public int limit() {
        return this.limit;
    }

    /** Grants {@code subject} one more (and records it), or says how long until it would be granted. */
    public Decision acquire(String subject) {
        if (this.limit == 0) {
            return GRANTED;
        }
        long now = this.clock.millis();
        sweepIfDue(now);
        Decision[] decision = new Decision[1];
        this.subjects.compute(subject, (ignored, current) -> {
            Grants grants = (current != null) ? current : new Grants();
            grants.forgetOlderThan(now - this.windowMillis);
            if (grants.count < this.limit) {
                grants.add(now, this.limit);
                decision[0] = GRANTED;
            }
            else {
                decision[0] = new Refused(retryAfter(grants.times[grants.head] + this.windowMillis - now));
            }
            return grants;
        });
        return decision[0];
    }

    /** Subjects remembered: for tests of the memory bound. */
    int subjects() {
        return this.subjects.size();
    }

    private void sweepIfDue(long now) {
        long due = this.sweepDue.get();
        if (now < due || !this.sweepDue.compareAndSet(due, now + this.windowMillis)) {
            return;
        }
        long cutoff = now - this.windowMillis;
        for (String subject : this.subjects.keySet().toArray(String[]::new)) {
            this.subjects.computeIfPresent(subject,
                    (ignored, grants) -> (grants.count == 0 || grants.newest() <= cutoff) ? null : grants);
        }
    }

    /** Whole seconds, rounded up, between 1 s and the window: a clock set back must not ask for a longer wait. */
    private Duration retryAfter(long millis) {
        long bounded = Math.max(1, Math.min(millis, this.windowMillis));
        return Duration.ofSeconds((bounded + 999) / 1000);
    }

    @Override
    public String toString() {
        return "RatePerSubject[limit=" + this.limit + ", window=" + Duration.ofMillis(this.windowMillis)
                + ", subjects=" + this.subjects.size() + "]";
    }
}
