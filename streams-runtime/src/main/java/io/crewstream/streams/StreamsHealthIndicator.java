package io.crewstream.streams;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports a Kafka Streams app in {@code /actuator/health}. Before its stream threads run: out of service while it
 * provisions its topics or waits for Kafka (with the reason of the last failed attempt), down if it cannot start
 * (e.g. input topics with different partition counts). Then its Kafka Streams state: up while running or
 * rebalancing (restoring stores is part of rebalancing), out of service while stopping, down after a fatal error.
 * Details: the state, the reason and failed attempts while not started, the tasks this instance runs. An app extends
 * it with a verdict of its own ({@link #verdict}) and its own details ({@link #details}).
 *
 * <p>Called on web request threads; it and its subclasses only read thread-safe getters.
 */
public abstract class StreamsHealthIndicator implements HealthIndicator {

    private final StreamsLifecycle streams;

    protected StreamsHealthIndicator(StreamsLifecycle streams) {
        this.streams = streams;
    }

    @Override
    public final Health health() {
        Startup startup = this.streams.startup();
        Health.Builder health = switch (startup.phase()) {
            case PROVISIONING, WAITING_FOR_KAFKA -> Health.outOfService().withDetail("state", startup.phase().name());
            case FAILED -> Health.down().withDetail("state", startup.phase().name());
            case NOT_STARTED, STARTED -> streamsHealth();
        };
        verdict(health);
        if (startup.reason() != null) {
            health.withDetail("reason", startup.reason()).withDetail("failedAttempts", startup.failedAttempts());
        }
        health.withDetail("activeTasks", this.streams.activeTasks());
        details(health);
        return health.build();
    }

    /**
     * The app's own verdict, right after the state: it may turn the status down, with details that say why. None by
     * default.
     */
    protected void verdict(Health.Builder health) {
    }

    /** The app's own details, after the tasks: its counts. */
    protected abstract void details(Health.Builder health);

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
