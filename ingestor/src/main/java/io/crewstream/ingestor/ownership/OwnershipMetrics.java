package io.crewstream.ingestor.ownership;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code crewstream.ingestor.ownership.*}: whether each gateway is owned here (gauge, 1 or 0), how often this
 * instance took it ({@code acquired}) and gave it up, by why ({@code released}). Failovers are the {@code acquired}
 * of the survivors after another's {@code lost} or crash. Thread-safe (Micrometer's meters are).
 */
final class OwnershipMetrics {

    static final String OWNED = "crewstream.ingestor.ownership.owned";
    static final String ACQUIRED = "crewstream.ingestor.ownership.acquired";
    static final String RELEASED = "crewstream.ingestor.ownership.released";

    private final MeterRegistry registry;
    private final Map<String, Counter> acquired = new ConcurrentHashMap<>();

    OwnershipMetrics(MeterRegistry registry, List<String> connectionIds, Predicate<String> ownedHere) {
        this.registry = registry;
        for (String id : connectionIds) {
            Gauge.builder(OWNED, () -> ownedHere.test(id) ? 1 : 0).tag("connection", id)
                    .description("1 while this instance owns the gateway (connects and writes for it)")
                    .register(registry);
            this.acquired.put(id, Counter.builder(ACQUIRED).tag("connection", id)
                    .description("Times this instance took the gateway over").register(registry));
        }
    }

    void acquired(String connectionId) {
        this.acquired.get(connectionId).increment();
    }

    void released(String connectionId, ReleaseReason reason) {
        Counter.builder(RELEASED).tag("connection", connectionId).tag("reason", reason.tag())
                .description("Times this instance gave the gateway up, by why").register(this.registry).increment();
    }
}
