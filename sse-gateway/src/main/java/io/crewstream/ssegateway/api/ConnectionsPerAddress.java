package io.crewstream.ssegateway.api;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many connections each client address holds, and whether one more may open: at most {@code limit} at once per
 * address (0: no limit), so that one host cannot take every connection an instance can hold (thousands of half-open
 * connections, say). A refusal says whether it is time to log: at most one line per address per
 * {@code logInterval}, with the number refused since the last line, so that a flood of refusals is not a flood of
 * lines. Pure bookkeeping, no I/O.
 *
 * <p>Threading: called from every event loop at once; each address's count lives in a {@link ConcurrentHashMap}
 * entry that is only read and changed inside {@code compute}, which serializes the calls for one address. An
 * address's entry is dropped when its last connection closes, so the map holds only addresses with open connections.
 */
public final class ConnectionsPerAddress {

    /** The answer to "may this connection open?". */
    public sealed interface Admission permits Admitted, Refused {
    }

    /** It may: release it with {@link #release(InetAddress)} when it closes. */
    public record Admitted() implements Admission {
    }

    /**
     * It may not.
     *
     * @param refusedSinceLastLine refusals of this address since the last line logged for it, this one included, when
     *     a line is due now; 0 when not
     */
    public record Refused(int refusedSinceLastLine) implements Admission {

        public boolean logNow() {
            return this.refusedSinceLastLine > 0;
        }
    }

    private static final Admitted ADMITTED = new Admitted();

    /** One address's open connections and its refusals since the last line; changed only inside {@code compute}. */
    private static final class Entry {

        private int open;

        private int refusedSinceLastLine;

        private long lastLineMillis = Long.MIN_VALUE;
    }

    private final int limit;

    private final long logIntervalMillis;

    private final Clock clock;

    private final ConcurrentHashMap<InetAddress, Entry> addresses = new ConcurrentHashMap<>();

    /** @param limit most open connections per address; 0 for no limit (connections are still counted) */
    public ConnectionsPerAddress(int limit, Duration logInterval, Clock clock) {
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

    /** Counts a new connection from {@code address}, or refuses it when the address already holds the limit. */
    public Admission admit(InetAddress address) {
        Admission[] admission = new Admission[1];
        this.addresses.compute(address, (key, current) -> {
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

    /** A connection {@link #admit admitted} from {@code address} has closed. */
    public void release(InetAddress address) {
        this.addresses.computeIfPresent(address, (key, entry) -> (--entry.open <= 0) ? null : entry);
    }

    /** Open connections of {@code address} as counted here. */
    public int open(InetAddress address) {
        int[] open = new int[1];
        this.addresses.computeIfPresent(address, (key, entry) -> {
            open[0] = entry.open;
            return entry;
        });
        return open[0];
    }
}
