package io.crewstream.projector.topology;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the gateways that moved from one ingestor instance to another ({@link OwnerChange}), in the Micrometer
 * counter {@value #METRIC} (tag {@code kind}: {@code handover} or {@code failover}), and logs each. Counted where
 * every status of every instance arrives, so the count is the fleet's: the instance that failed cannot count its own
 * failover, and the one that took over cannot tell a failover from a handover.
 *
 * <p>Recorded on stream threads, read from any thread: Micrometer counters are thread-safe. A status the projector
 * reads again after a crash (exactly-once covers the tables, not meters) may count its change twice.
 */
public final class OwnerChanges {

    public static final String METRIC = "crewstream.projector.owner-changes";

    private static final Logger log = LoggerFactory.getLogger(OwnerChanges.class);

    private final Map<OwnerChange.Kind, Counter> counters = new EnumMap<>(OwnerChange.Kind.class);

    public OwnerChanges(MeterRegistry registry) {
        for (OwnerChange.Kind kind : OwnerChange.Kind.values()) {
            this.counters.put(kind, Counter.builder(METRIC)
                    .description("Gateways whose link another ingestor instance took over: planned (handover) or "
                            + "after the previous owner died or was cut off (failover)")
                    .tag("kind", kind.tag())
                    .register(registry));
        }
    }

    void record(OwnerChange change) {
        this.counters.get(change.kind()).increment();
        if (change.kind() == OwnerChange.Kind.FAILOVER) {
            log.warn("Gateway '{}' failed over from ingestor instance '{}' to '{}': the previous owner stopped "
                    + "without handing it over", change.connectionId(), change.from(), change.to());
        }
        else {
            log.info("Gateway '{}' handed over from ingestor instance '{}' to '{}'", change.connectionId(),
                    change.from(), change.to());
        }
    }
}
