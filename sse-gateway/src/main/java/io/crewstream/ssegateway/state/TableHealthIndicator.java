package io.crewstream.ssegateway.state;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN until the table holds everything that was on the topics at start, so that no client is served a half-read
 * table; DOWN again if the reader stopped following the topics. Part of the readiness group.
 */
public final class TableHealthIndicator implements HealthIndicator {

    private final SessionTable table;

    private final TableReader reader;

    public TableHealthIndicator(SessionTable table, TableReader reader) {
        this.table = table;
        this.reader = reader;
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
        return Health.up()
                .withDetail("position", this.table.position().token())
                .withDetail("sessions", this.table.sessionCount())
                .withDetail("lag", this.reader.lag())
                .build();
    }
}
