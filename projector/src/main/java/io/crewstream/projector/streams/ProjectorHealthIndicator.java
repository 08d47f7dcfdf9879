package io.crewstream.projector.streams;

import java.time.Instant;

import io.crewstream.projector.topology.DiscardedSnapshots;
import io.crewstream.streams.StreamsHealthIndicator;
import io.crewstream.streams.ThreadFailures;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the projector in {@code /actuator/health} as {@link StreamsHealthIndicator} reports every app (start phase,
 * then Kafka Streams state), and down while it makes no progress ({@link ProgressWatch}: records wait on an input
 * partition whose committed offset stands still while stream threads die on it). Its own details: the input lag,
 * its dead-letter count, stream-thread failures and the snapshots it discarded, by reason.
 *
 * <p>Called on web request threads; it only reads thread-safe getters.
 */
public class ProjectorHealthIndicator extends StreamsHealthIndicator {

    private final ProjectorStreams streams;
    private final DiscardedSnapshots discardedSnapshots;
    private final ProgressMonitor progress;
    private final ThreadFailures threadFailures;

    public ProjectorHealthIndicator(ProjectorStreams streams, DiscardedSnapshots discardedSnapshots,
            ProgressMonitor progress, ThreadFailures threadFailures) {
        super(streams);
        this.streams = streams;
        this.discardedSnapshots = discardedSnapshots;
        this.progress = progress;
        this.threadFailures = threadFailures;
    }

    @Override
    protected void verdict(Health.Builder health) {
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

    @Override
    protected void details(Health.Builder health) {
        health.withDetail("deadLetters", this.streams.deadLetterCount())
                .withDetail("streamThreadFailures", this.threadFailures.count())
                .withDetail("discardedSnapshots", this.discardedSnapshots.counts());
    }
}
