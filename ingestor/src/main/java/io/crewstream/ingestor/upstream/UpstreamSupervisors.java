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

    /** The enabled connections' ids, in configuration order. */
    public List<String> connectionIds() {
        return this.supervisors.stream().map(UpstreamSupervisor::connectionId).toList();
    }

    /** Starts every supervisor: for a single instance that owns every gateway without asking (tests, tools). */
    public void start() {
        this.supervisors.forEach(UpstreamSupervisor::start);
    }

    /** Stops every running supervisor as at shutdown. */
    public void stop() {
        this.supervisors.forEach(UpstreamSupervisor::stop);
    }

    /** Starts the connection's supervisor: a fresh connect and a full snapshot. Does nothing when it runs. */
    public void start(String connectionId) {
        supervisor(connectionId).start();
    }

    /** Stops the connection's supervisor, its last status as {@code mode} says; returns once it is handed over. */
    public void stop(String connectionId, StopMode mode) {
        supervisor(connectionId).stop(mode);
    }

    private UpstreamSupervisor supervisor(String connectionId) {
        for (UpstreamSupervisor supervisor : this.supervisors) {
            if (supervisor.connectionId().equals(connectionId)) {
                return supervisor;
            }
        }
        throw new IllegalArgumentException("no enabled upstream '" + connectionId + "'");
    }

    /** Kafka works again: every running supervisor restates its status with the outage and re-snapshots. */
    public void publishRecovered(KafkaOutage outage) {
        this.supervisors.forEach(supervisor -> supervisor.publishRecovered(outage));
    }

    /**
     * Hands a snapshot request to the supervisor of its connection if it runs here (this instance owns it).
     * @return false when this ingestor does not own the connection (the request is for another instance)
     */
    public boolean snapshotRequested(SnapshotRequest request) {
        for (UpstreamSupervisor supervisor : this.supervisors) {
            if (supervisor.connectionId().equals(request.connectionId()) && supervisor.running()) {
                supervisor.snapshotRequested(request);
                return true;
            }
        }
        return false;
    }
}
