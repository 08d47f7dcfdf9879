package io.crewstream.projector.topology;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts what became of the sessions-verified markers the projector read, in the Micrometer counter {@value #METRIC}
 * (tag {@code outcome}): {@code agreed} (the table matched), {@code disagreed} (it did not: a full snapshot was
 * asked for), or skipped because the table had {@code moved-on} or its position was {@code unknown-position} (see
 * {@link VerificationPositions}). A rising {@code disagreed} means the table drifts from the gateways.
 *
 * <p>Recorded on stream threads, read from any thread: Micrometer counters are thread-safe.
 */
public final class SessionVerifications {

    public static final String METRIC = "crewstream.projector.session-verifications";

    static final String AGREED = "agreed";

    static final String DISAGREED = "disagreed";

    private final Map<String, Counter> counters = new LinkedHashMap<>();

    public SessionVerifications(MeterRegistry registry) {
        register(registry, AGREED);
        register(registry, DISAGREED);
        for (VerificationPositions.SkipReason reason : VerificationPositions.SkipReason.values()) {
            register(registry, reason.tag());
        }
    }

    private void register(MeterRegistry registry, String outcome) {
        this.counters.put(outcome, Counter.builder(METRIC)
                .description("Sessions-verified markers read, by what became of them")
                .tag("outcome", outcome)
                .register(registry));
    }

    void agreed() {
        this.counters.get(AGREED).increment();
    }

    void disagreed() {
        this.counters.get(DISAGREED).increment();
    }

    void skipped(VerificationPositions.SkipReason reason) {
        this.counters.get(reason.tag()).increment();
    }

    /** The count of each outcome, keyed by its tag. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        this.counters.forEach((outcome, counter) -> counts.put(outcome, Math.round(counter.count())));
        return counts;
    }
}
