package io.crewstream.projector.streams;

import java.time.Instant;

import io.crewstream.projector.topology.DiscardedSnapshots;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the projector in {@code /actuator/health}. Before its stream threads run: out of service while it
 * provisions its topics or waits for Kafka (with the reason of the last failed attempt), down if it cannot start
 * (e.g. input topics with different partition counts). Then its Kafka Streams state: up while running or
 * rebalancing (restoring stores is part of rebalancing), out of service while stopping, down after a fatal error,
 * and down while it makes no progress ({@link ProgressWatch}: records wait on an input partition whose committed
 * offset stands still while stream threads die on it). Details: the state, the tasks this instance runs, the input
 * lag, its dead-letter count, stream-thread failures and the snapshots it discarded, by reason.
 *
 * <p>Called on web request threads; it only reads thread-safe getters.
 */
public class ProjectorHealthIndicator implements HealthIndicator {

    private final ProjectorStreams streams;
    private final DiscardedSnapshots discardedSnapshots;
    private final ProgressMonitor progress;
    private final ThreadFailures threadFailures;

    public ProjectorHealthIndicator(ProjectorStreams streams, DiscardedSnapshots discardedSnapshots,
            ProgressMonitor progress, ThreadFailures threadFailures) {
        this.streams = streams;
        this.discardedSnapshots = discardedSnapshots;
        this.progress = progress;
        this.threadFailures = threadFailures;
    }

    @Override
    public Health health() {
        Startup startup = this.streams.startup();
        Health.Builder health = switch (startup.phase()) {
            case PROVISIONING, WAITING_FOR_KAFKA -> Health.outOfService().withDetail("state", startup.phase().name());
            case FAILED -> Health.down().withDetail("state", startup.phase().name());
            case NOT_STARTED, STARTED -> streamsHealth();
        };
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
        if (startup.reason() != null) {
            health.withDetail("reason", startup.reason()).withDetail("failedAttempts", startup.failedAttempts());
        }
        return health.withDetail("activeTasks", this.streams.activeTasks())
                .withDetail("deadLetters", this.streams.deadLetterCount())
                .withDetail("streamThreadFailures", this.threadFailures.count())
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
