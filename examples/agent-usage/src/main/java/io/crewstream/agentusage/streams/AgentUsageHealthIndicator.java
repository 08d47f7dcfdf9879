package io.crewstream.agentusage.streams;

import io.crewstream.streams.ProgressMonitor;
import io.crewstream.streams.StreamsHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the app in {@code /actuator/health} as {@link StreamsHealthIndicator} reports every app (start phase, then
 * Kafka Streams state, down with no active task or no progress). Its own details: the late changes left out of their
 * minute, the records skipped as unreadable, and stream-thread failures.
 *
 * <p>Called on web request threads; it only reads thread-safe getters.
 */
public class AgentUsageHealthIndicator extends StreamsHealthIndicator {

    private final UsageStreams streams;

    public AgentUsageHealthIndicator(UsageStreams streams, ProgressMonitor progress) {
        super(streams, progress);
        this.streams = streams;
    }

    @Override
    protected void details(Health.Builder health) {
        health.withDetail("lateRecords", this.streams.lateRecordCount())
                .withDetail("droppedRecords", this.streams.droppedRecordCount())
                .withDetail("streamThreadFailures", this.streams.streamThreadFailures());
    }
}
