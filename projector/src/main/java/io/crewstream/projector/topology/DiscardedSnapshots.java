package io.crewstream.projector.topology;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the snapshots the projector received but did not complete, by reason, in the Micrometer counter
 * {@value #METRIC} (tag {@code reason}): the rows they brought were applied, but the sessions they did not list were
 * not removed, so the table may be missing a removal until the next snapshot, and an operator wants to see them
 * beyond a WARN line.
 *
 * <p>Recorded on stream threads, read from any thread: Micrometer counters are thread-safe.
 */
public final class DiscardedSnapshots {

    public static final String METRIC = "crewstream.projector.snapshots.discarded";

    /** Why a snapshot was not applied; {@link #tag()} is the metric's {@code reason} tag. */
    public enum Reason {

        /** Its chunks list a different number of rows than its {@code totalSessions}. */
        ROWS_DO_NOT_ADD_UP("rows-do-not-add-up"),

        /** One of its chunks never arrived (a gap). */
        CHUNK_MISSING("chunk-missing"),

        /** A newer snapshot started before it was complete: its writer was cut off half way. */
        CUT_OFF("cut-off");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return this.tag;
        }
    }

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

    public DiscardedSnapshots(MeterRegistry registry) {
        for (Reason reason : Reason.values()) {
            this.counters.put(reason, Counter.builder(METRIC)
                    .description("Snapshots received but not completed (rows applied, absent sessions not "
                            + "removed), by reason")
                    .tag("reason", reason.tag())
                    .register(registry));
        }
    }

    void record(Reason reason) {
        this.counters.get(reason).increment();
    }

    /** The count of each reason, keyed by its tag, in declaration order. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        this.counters.forEach((reason, counter) -> counts.put(reason.tag(), Math.round(counter.count())));
        return counts;
    }
}
