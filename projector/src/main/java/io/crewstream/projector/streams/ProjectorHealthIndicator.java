package io.crewstream.projector.streams;

import io.crewstream.projector.topology.DiscardedSnapshots;
import io.crewstream.streams.ProgressMonitor;
import io.crewstream.streams.StreamsHealthIndicator;
import io.crewstream.streams.ThreadFailures;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the projector in {@code /actuator/health} as {@link StreamsHealthIndicator} reports every app (start phase,
 * then Kafka Streams state, down with no active task or no progress). Its own details: its dead-letter count,
 * stream-thread failures and the snapshots it discarded, by reason.
 *
 * <p>Called on web request threads; it only reads thread-safe getters.
 */
public class ProjectorHealthIndicator extends StreamsHealthIndicator {

    private final ProjectorStreams streams;
    private final DiscardedSnapshots discardedSnapshots;
    private final ThreadFailures threadFailures;

    public ProjectorHealthIndicator(ProjectorStreams streams, DiscardedSnapshots discardedSnapshots,
            ProgressMonitor progress, ThreadFailures threadFailures) {
        super(streams, progress);
        this.streams = streams;
        this.discardedSnapshots = discardedSnapshots;
        this.threadFailures = threadFailures;
    }

    @Override
    protected void details(Health.Builder health) {
        health.withDetail("deadLetters", this.streams.deadLetterCount())
                .withDetail("streamThreadFailures", this.threadFailures.count())
                .withDetail("discardedSnapshots", this.discardedSnapshots.counts());
    }
}
