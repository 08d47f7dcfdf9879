package io.crewstream.projector.streams;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the projector's Kafka Streams state in {@code /actuator/health}: up while running or rebalancing
 * (restoring stores is part of rebalancing), out of service while not started or stopping, down after a fatal
 * error. Details: the state, the tasks this instance runs and its dead-letter count.
 *
 * <p>Called on web request threads; it only reads {@link ProjectorStreams}, whose getters are thread-safe.
 */
public class ProjectorHealthIndicator implements HealthIndicator {

    private final ProjectorStreams streams;

    public ProjectorHealthIndicator(ProjectorStreams streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams.State state = this.streams.state();
        Health.Builder health = switch (state) {
            case RUNNING, REBALANCING -> Health.up();
            case PENDING_ERROR, ERROR -> Health.down();
            default -> Health.outOfService();
        };
        return health.withDetail("state", state.name())
                .withDetail("activeTasks", this.streams.activeTasks())
                .withDetail("deadLetters", this.streams.deadLetterCount())
                .build();
    }
}
