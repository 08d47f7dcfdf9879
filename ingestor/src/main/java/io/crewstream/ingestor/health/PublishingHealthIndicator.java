package io.crewstream.ingestor.health;

import java.time.Instant;

import io.crewstream.ingestor.publish.PublishHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Kafka publishing in {@code /actuator/health}: DOWN while sends fail, with the last failure. */
public final class PublishingHealthIndicator implements HealthIndicator {

    private final PublishHealth publishHealth;

    public PublishingHealthIndicator(PublishHealth publishHealth) {
        this.publishHealth = publishHealth;
    }

    @Override
    public Health health() {
        Health.Builder builder = this.publishHealth.degraded() ? Health.down()
                .withDetail("state", "degraded")
                .withDetail("since", Instant.ofEpochMilli(this.publishHealth.degradedSince()).toString())
                : Health.up().withDetail("state", "ok");
        builder.withDetail("failedSends", this.publishHealth.failures());
        if (this.publishHealth.lastFailure() != null) {
            builder.withDetail("lastFailure", this.publishHealth.lastFailure());
        }
        return builder.build();
    }
}
