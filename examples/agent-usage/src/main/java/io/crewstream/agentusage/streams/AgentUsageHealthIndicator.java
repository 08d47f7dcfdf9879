package io.crewstream.agentusage.streams;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the app in {@code /actuator/health}. Before its stream threads run: out of service while it provisions
 * its topics or waits for Kafka (with the reason of the last failed attempt), down if it cannot start. Then its Kafka
 * Streams state: up while running or rebalancing (restoring stores is part of rebalancing), out of service while
 * stopping, down after a fatal error. Details: the state, the tasks this instance runs, the late changes left out of
 * their minute, the records skipped as unreadable, and stream-thread failures.
 *
 * <p>Called on web request threads; it only reads thread-safe getters.
 */
public class AgentUsageHealthIndicator implements HealthIndicator {

    private final UsageStreams streams;

    public AgentUsageHealthIndicator(UsageStreams streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        Startup startup = this.streams.startup();
        Health.Builder health = switch (startup.phase()) {
            case PROVISIONING, WAITING_FOR_KAFKA -> Health.outOfService().withDetail("state", startup.phase().name());
            case FAILED -> Health.down().withDetail("state", startup.phase().name());
            case NOT_STARTED, STARTED -> streamsHealth();
        };
        if (startup.reason() != null) {
            health.withDetail("reason", startup.reason()).withDetail("failedAttempts", startup.failedAttempts());
        }
        return health.withDetail("activeTasks", this.streams.activeTasks())
                .withDetail("lateRecords", this.streams.lateRecordCount())
                .withDetail("droppedRecords", this.streams.droppedRecordCount())
                .withDetail("streamThreadFailures", this.streams.streamThreadFailures())
                .build();
    }

    private Health.Builder streamsHealth() {
        KafkaStreams.State state = this.streams.state();
        Health.Builder health = switch (state) {
            case RUNNING, REBALANCING -> Health.up();
            case PENDING_ERROR, ERROR -> Health.down();
            default -> Health.outOfService();
        };
        return health.withDetail("state", state.name());
    }
}
