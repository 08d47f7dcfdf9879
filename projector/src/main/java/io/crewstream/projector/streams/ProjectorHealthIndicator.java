package io.crewstream.projector.streams;

import io.crewstream.projector.topology.DiscardedSnapshots;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the projector in {@code /actuator/health}. Before its stream threads run: out of service while it
 * provisions its topics or waits for Kafka (with the reason of the last failed attempt), down if it cannot start
 * (e.g. input topics with different partition counts). Then its Kafka Streams state: up while running or
 * rebalancing (restoring stores is part of rebalancing), out of service while stopping, down after a fatal error.
 * Details: the state, the tasks this instance runs, its dead-letter count and the snapshots it discarded, by reason.
 *
 * <p>Called on web request threads; it only reads {@link ProjectorStreams} and {@link DiscardedSnapshots}, whose
 * getters are thread-safe.
 */
public class ProjectorHealthIndicator implements HealthIndicator {

    private final ProjectorStreams streams;
    private final DiscardedSnapshots discardedSnapshots;

    public ProjectorHealthIndicator(ProjectorStreams streams, DiscardedSnapshots discardedSnapshots) {
        this.streams = streams;
        this.discardedSnapshots = discardedSnapshots;
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
                .withDetail("deadLetters", this.streams.deadLetterCount())
                .withDetail("discardedSnapshots", this.discardedSnapshots.counts())
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
