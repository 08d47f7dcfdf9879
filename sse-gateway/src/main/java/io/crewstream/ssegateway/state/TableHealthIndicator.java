package io.crewstream.ssegateway.state;

import io.crewstream.schemas.sse.PipelineStatus;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN until the table holds everything that was on the topics at start, so that no client is served a half-read
 * table; DOWN again if the reader stopped following the topics, or while the view is paused (Kafka unreachable, the
 * reader stalled: see {@link Freshness}), so that a load balancer prefers an instance whose view is live. Gateways
 * whose status is overdue are listed but do not make it DOWN: that is the ingestor's or the projector's trouble, and
 * every instance sees the same. Part of the readiness group.
 *
 * <p>The probes are public, so with authentication on they tell nothing about the gateways: paused ones are counted,
 * not named, and the totals over every gateway (sessions, the table's position) are left out. A gateway's id and
 * figures are for callers whose scope includes it ({@code /api/gateways}); the totals for the {@code *} scope
 * ({@code /actuator/metrics}).
 */
public final class TableHealthIndicator implements HealthIndicator {

    private final SessionTable table;

    private final TableReader reader;

    private final boolean detailed;

    /**
     * @param detailed whether the details may name paused gateways and give the totals over every gateway (the
     *     session count, the table's position): only while the API is open
     */
    public TableHealthIndicator(SessionTable table, TableReader reader, boolean detailed) {
        this.table = table;
        this.reader = reader;
        this.detailed = detailed;
    }

    @Override
    public Health health() {
        if (!this.reader.isRunning()) {
            return Health.down().withDetail("reason", "the table reader is not running").build();
        }
        if (!this.table.loaded()) {
            String failure = this.reader.lastFailure();
            return Health.down().withDetail("reason", (failure != null) ? failure : "loading the table").build();
        }
        PipelineView pipeline = this.table.pipeline();
        PipelineStatus status = pipeline.status();
        Health.Builder health = status.paused()
                ? Health.down().withDetail("reason", status.reason()).withDetail("reasonCode", status.reasonCode())
                        .withDetail("pausedSince", status.since())
                : Health.up();
        health.withDetail("lag", this.reader.lag());
        if (this.detailed) {
            health.withDetail("position", this.table.position().token())
                    .withDetail("sessions", this.table.sessionCount());
        }
        if (!pipeline.pausedGateways().isEmpty()) {
            health.withDetail("pausedGateways",
                    this.detailed ? pipeline.pausedGateways() : pipeline.pausedGateways().size());
        }
        return health.build();
    }
}
