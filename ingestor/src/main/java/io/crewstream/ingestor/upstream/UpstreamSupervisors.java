package io.crewstream.ingestor.upstream;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.publish.UpstreamOutput;
import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.schemas.records.KafkaOutage;
import io.crewstream.schemas.records.SnapshotRequest;
import io.micrometer.core.instrument.MeterRegistry;

/** One {@link UpstreamSupervisor} per enabled upstream; the only code in the ingestor that talks to gateways. */
public final class UpstreamSupervisors {

    private final List<UpstreamSupervisor> supervisors;

    /** @param activitySummaries whether run events carry summaries ({@code crewstream.ingestor.activity-summaries}) */
    public UpstreamSupervisors(List<UpstreamTarget> targets, IngestorProperties.Connection settings,
            boolean activitySummaries, HttpClient httpClient, UpstreamOutput output, MeterRegistry registry,
            String clientVersion, Clock clock) {
        this.supervisors = targets.stream()
                .map(target -> new UpstreamSupervisor(target, settings, activitySummaries, httpClient, output,
                        new UpstreamMetrics(target.id(), registry), clientVersion,
                        new ReconnectBackoff(settings.backoffInitial(), settings.backoffMax(),
                                bound -> ThreadLocalRandom.current().nextLong(bound + 1)),
                        clock))
                .toList();
    }

    public List<UpstreamSupervisor> all() {
        return this.supervisors;
    }

    public void start() {
        this.supervisors.forEach(UpstreamSupervisor::start);
    }

    public void stop() {
        this.supervisors.forEach(UpstreamSupervisor::stop);
    }

    /** Kafka works again: every supervisor restates its status with the outage and re-snapshots if connected. */
    public void publishRecovered(KafkaOutage outage) {
        this.supervisors.forEach(supervisor -> supervisor.publishRecovered(outage));
    }

    /**
     * Hands a snapshot request to the supervisor of its connection.
     * @return false when no supervisor of this ingestor owns the connection (the request is for another ingestor)
     */
    public boolean snapshotRequested(SnapshotRequest request) {
        for (UpstreamSupervisor supervisor : this.supervisors) {
            if (supervisor.connectionId().equals(request.connectionId())) {
                supervisor.snapshotRequested(request);
                return true;
            }
        }
        return false;
    }
}
