package io.crewstream.streams;

import java.util.Set;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports a Kafka Streams app in {@code /actuator/health}. Before its stream threads run: out of service while it
 * provisions its topics or waits for Kafka (with the reason of the last failed attempt), down if it cannot start
 * (e.g. input topics with different partition counts). Then its Kafka Streams state: up while running or
 * rebalancing (restoring stores is part of rebalancing) <em>with at least one active task</em>, out of service while
 * stopping, down after a fatal error. Running or rebalancing with no active task is down: the instance processes
 * nothing, whether it waits for its first assignment, its stream threads are gone, a lost group membership took its
 * tasks (e.g. while the broker is away), or it is an instance beyond the input partition count. Reporting that as up
 * would hide an app that stands still. Details: the state, the reason and failed attempts while not started, the tasks this instance runs. An app extends
 * it with a verdict of its own ({@link #verdict}) and its own details ({@link #details}).
 *
 * <p>Called on web request threads; it and its subclasses only read thread-safe getters.
 */
public abstract class StreamsHealthIndicator implements HealthIndicator {

    /** The {@code reason} detail of an instance that runs but holds no task. */
    public static final String NO_ACTIVE_TASK = "no active task: this instance processes nothing (waiting for its "
            + "first assignment, its stream threads gone, its tasks lost with its group membership, or more instances "
            + "than input partitions)";

    private final StreamsLifecycle streams;

    protected StreamsHealthIndicator(StreamsLifecycle streams) {
        this.streams = streams;
    }

    @Override
    public final Health health() {
        Startup startup = this.streams.startup();
        Set<String> activeTasks = this.streams.activeTasks();
        Health.Builder health = switch (startup.phase()) {
            case PROVISIONING, WAITING_FOR_KAFKA -> Health.outOfService().withDetail("state", startup.phase().name());
            case FAILED -> Health.down().withDetail("state", startup.phase().name());
            case NOT_STARTED, STARTED -> streamsHealth(activeTasks);
        };
        verdict(health);
        if (startup.reason() != null) {
            health.withDetail("reason", startup.reason()).withDetail("failedAttempts", startup.failedAttempts());
        }
        health.withDetail("activeTasks", activeTasks);
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

    private Health.Builder streamsHealth(Set<String> activeTasks) {
        KafkaStreams.State state = this.streams.state();
        Health.Builder health = switch (state) {
            case RUNNING, REBALANCING -> activeTasks.isEmpty()
                    ? Health.down().withDetail("reason", NO_ACTIVE_TASK)
                    : Health.up();
            case PENDING_ERROR, ERROR -> Health.down();
            default -> Health.outOfService();
        };
        return health.withDetail("state", state.name());
    }
}
