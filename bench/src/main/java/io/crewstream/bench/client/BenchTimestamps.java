package io.crewstream.bench.client;

import java.time.Instant;

/**
 * The send time the harness puts into every session row it changes, as a row field of its own: rows keep unknown
 * fields from the gateway (or the table) to the browser, so the SSE payload carries it back unchanged. Wall-clock
 * microseconds, because sender and receiver are different processes on the same machine.
 */
public final class BenchTimestamps {

    public static final String FIELD = "benchSentAtMicros";

    private static final String NEEDLE = "\"" + FIELD + "\":";

    private BenchTimestamps() {
    }

    /** Microseconds since the epoch (Linux clocks give microsecond resolution here). */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * The send time carried in a session payload, or -1 when it has none. A substring scan rather than a JSON parse:
     * the load client reads hundreds of thousands of events a second and needs one number from each.
     */
    public static long extract(String json) {
        int at = json.indexOf(NEEDLE);
        if (at < 0) {
            return -1;
        }
        int i = at + NEEDLE.length();
        while (i < json.length() && json.charAt(i) == ' ') {
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
            i++;
        }
        return (digits > 0) ? value : -1;
    }
}
