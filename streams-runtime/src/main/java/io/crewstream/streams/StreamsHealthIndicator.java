package io.crewstream.streams;

import java.time.Instant;
import java.util.Set;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports a Kafka Streams app in {@code /actuator/health}. Before its stream threads run: out of service while it
 * provisions its topics or waits for Kafka (with the reason of the last failed attempt), down if it cannot start
 * (e.g. input topics with different partition counts). Then its Kafka Streams state: up while running or
 * rebalancing (restoring stores is part of rebalancing) <em>with at least one active task and progress</em>, out of
 * service while stopping, down after a fatal error. Two ways of standing still while "running" are down too:
 * <ul>
 * <li>no active task: the instance processes nothing, whether it waits for its first assignment, its stream threads
 * are gone, a lost group membership took its tasks (e.g. while the broker is away), or it is an instance beyond the
 * input partition count;</li>
 * <li>no progress ({@link ProgressMonitor}, {@link ProgressWatch}): records wait on an input partition it holds
 * while its committed offset stands still for the stall timeout, and it evidently tried. An input with nothing to
 * read is no failure: an idle app is up.</li>
 * </ul>
 * Details: the state, the reason and failed attempts while not started, the tasks this instance runs, the input lag
 * once sampled, the stalled partitions and since when. An app extends it with its own details ({@link #details}).
 *
 * <p>Called on web request threads; it and its subclasses only read thread-safe getters.
 */
public abstract class StreamsHealthIndicator implements HealthIndicator {

    /** The {@code reason} detail of an instance that runs but holds no task. */
    public static final String NO_ACTIVE_TASK = "no active task: this instance processes nothing (waiting for its "
            + "first assignment, its stream threads gone, its tasks lost with its group membership, or more instances "
            + "than input partitions)";

    private final StreamsLifecycle streams;

    private final ProgressMonitor progress;

    protected StreamsHealthIndicator(StreamsLifecycle streams, ProgressMonitor progress) {
        this.streams = streams;
        this.progress = progress;
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
        progress(health);
        if (startup.reason() != null) {
            health.withDetail("reason", startup.reason()).withDetail("failedAttempts", startup.failedAttempts());
        }
        health.withDetail("activeTasks", activeTasks);
        details(health);
        return health.build();
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

    private void progress(Health.Builder health) {
        ProgressWatch.Verdict verdict = this.progress.verdict();
        if (verdict.state() == ProgressWatch.State.STALLED) {
            health.down().withDetail("stalledSince", Instant.ofEpochMilli(verdict.stalledSinceMillis()).toString())
                    .withDetail("stalledPartitions", verdict.stalledPartitions());
        }
        if (verdict.state() != ProgressWatch.State.UNKNOWN) {
            health.withDetail("lag", verdict.lag());
        }
        if (this.progress.lastError() != null) {
            health.withDetail("progressCheckError", this.progress.lastError());
        }
    }
}
