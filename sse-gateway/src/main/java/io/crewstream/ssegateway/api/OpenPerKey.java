package io.crewstream.ssegateway.api;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many things (connections, streams) each key (a client address, a subject) holds open, and whether one more may
 * open: at most {@code limit} at once per key (0: no limit), so that one key cannot take everything an instance can
 * hold. A refusal says whether it is time to log: at most one line per key per {@code logInterval}, with the number
 * refused since the last line, so that a flood of refusals is not a flood of lines. Pure bookkeeping, no I/O.
 *
 * <p>Threading: called from every event loop at once; each key's count lives in a {@link ConcurrentHashMap} entry that
 * is only read and changed inside {@code compute}, which serializes the calls for one key. A key's entry is dropped
 * when the last thing it held is released, so the map holds only keys with something open.
 *
 * @param <K> what is counted by
 */
public class OpenPerKey<K> {

    /** The answer to "may one more open?". */
    public sealed interface Admission permits Admitted, Refused {
    }

    /** It may: release it with {@link #release} when it closes. */
    public record Admitted() implements Admission {
    }

    /**
     * It may not.
     *
     * @param refusedSinceLastLine refusals of this key since the last line logged for it, this one included, when a
     *     line is due now; 0 when not
     */
    public record Refused(int refusedSinceLastLine) implements Admission {

        public boolean logNow() {
            return this.refusedSinceLastLine > 0;
        }
    }

    private static final Admitted ADMITTED = new Admitted();

    /** One key's open count and its refusals since the last line; changed only inside {@code compute}. */
    private static final class Entry {

        private int open;

        private int refusedSinceLastLine;

        private long lastLineMillis = Long.MIN_VALUE;
    }

    private final int limit;

    private final long logIntervalMillis;

    private final Clock clock;

    private final ConcurrentHashMap<K, Entry> keys = new ConcurrentHashMap<>();

    /** @param limit most open at once per key; 0 for no limit (they are still counted) */
    public OpenPerKey(int limit, Duration logInterval, Clock clock) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (none) or more but was " + limit);
        }
        this.limit = limit;
        this.logIntervalMillis = logInterval.toMillis();
        this.clock = clock;
    }

    public int limit() {
        return this.limit;
    }

    /** Counts one more open for {@code key}, or refuses it when the key already holds the limit. */
    public Admission admit(K key) {
        Admission[] admission = new Admission[1];
        this.keys.compute(key, (ignored, current) -> {
            Entry entry = (current != null) ? current : new Entry();
            if (this.limit == 0 || entry.open < this.limit) {
                entry.open++;
                admission[0] = ADMITTED;
                return entry;
            }
            entry.refusedSinceLastLine++;
            long now = this.clock.millis();
            if (entry.lastLineMillis == Long.MIN_VALUE || now - entry.lastLineMillis >= this.logIntervalMillis) {
                admission[0] = new Refused(entry.refusedSinceLastLine);
                entry.refusedSinceLastLine = 0;
                entry.lastLineMillis = now;
            }
            else {
                admission[0] = new Refused(0);
            }
            return entry;
        });
        return admission[0];
    }

    /** One {@link #admit admitted} for {@code key} has closed. */
    public void release(K key) {
        this.keys.computeIfPresent(key, (ignored, entry) -> (--entry.open <= 0) ? null : entry);
    }

    /** What {@code key} holds open, as counted here. */
    public int open(K key) {
        int[] open = new int[1];
        this.keys.computeIfPresent(key, (ignored, entry) -> {
            open[0] = entry.open;
            return entry;
        });
        return open[0];
    }

    /** Keys holding something open: the map's size, for tests of its bound. */
    public int keys() {
        return this.keys.size();
    }
}
