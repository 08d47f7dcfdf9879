package io.crewstream.projector.topology;

import java.time.Instant;

import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.SnapshotRequest;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the session table against the ingestor's sessions-verified markers. Hears of two things in its task: a
 * decoded marker, and {@link SessionEventsApplied} from {@link SessionEventProjector} after each session-events
 * record; {@link VerificationPositions} decides when a marker is compared. Then the table's {@link SessionsDigest} of
 * the connection ({@link SessionTable#digestOf}) either agrees, and the connection-state row is published again with
 * {@code lastVerifiedAt}, or does not, and a WARN line names both sides and a {@link SnapshotRequest} (reason
 * {@code table-mismatch}) asks the ingestor for a full snapshot, which repairs the table. Every outcome is counted in
 * {@link SessionVerifications}.
 *
 * <p>A marker the table agrees with, or one the table has moved past, also tells the activity projector what a
 * complete snapshot would ({@link TableSignal.SnapshotApplied}): the table is as new as the re-list (or newer), so a
 * run it shows in progress on a session whose row says no run is active ended without its end being seen. Re-lists
 * no longer publish snapshots, and without this such a run would stay open until the next reconnect.
 *
 * <p>Runs on a stream thread; one instance per task. Its positions are in memory (see {@link VerificationPositions}
 * for why) and start empty at every {@link #init}, as a task's state does when it is re-created.
 */
final class SessionsVerifier implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(SessionsVerifier.class);

    /**
     * From {@link SessionEventProjector}: it has processed the connection's session-events record at
     * {@code offset}.
     */
    record SessionEventsApplied(String connectionId, long offset) {
    }

    private final SessionVerifications verifications;
    private final RecordSizeLimit limit;

    private ProcessorContext<String, Object> context;
    private SessionTable sessions;
    private ConnectionTable connections;
    private OutputEvents events;
    private VerificationPositions positions;

    SessionsVerifier(SessionVerifications verifications, RecordSizeLimit limit) {
        this.verifications = verifications;
        this.limit = limit;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.sessions = new SessionTable(context.getStateStore(ProjectorTopology.SESSIONS_STORE), this.limit);
        this.connections = new ConnectionTable(context.getStateStore(ProjectorTopology.CONNECTIONS_STORE),
                this.limit);
        this.events = new OutputEvents(context);
        this.positions = new VerificationPositions();
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.value() instanceof SessionsVerified marker) {
            this.positions.markerArrived(marker).forEach(step -> take(step, record));
        }
        else if (record.value() instanceof SessionEventsApplied applied) {
            this.positions.recordApplied(applied.connectionId(), applied.offset())
                    .ifPresent(step -> take(step, record));
        }
    }

    private void take(VerificationPositions.Step step, Record<String, Object> trigger) {
        SessionsVerified marker = step.marker();
        if (step instanceof VerificationPositions.Step.Check) {
            check(marker, trigger);
        }
        else if (step instanceof VerificationPositions.Step.Skip skip) {
            this.verifications.skipped(skip.reason());
            if (skip.reason() == VerificationPositions.SkipReason.MOVED_ON) {
                closeRunsTheListEnded(marker, trigger);
            }
            log.debug("[{}] Not checking the sessions-verified marker at session-events offset {}: {}",
                    marker.connectionId(), marker.sessionEventsOffset(), skip.reason().tag());
        }
        else {
            log.debug("[{}] The sessions-verified marker at session-events offset {} waits for the table to get "
                    + "there", marker.connectionId(), marker.sessionEventsOffset());
        }
    }

    private void check(SessionsVerified marker, Record<String, Object> trigger) {
        String connectionId = marker.connectionId();
        SessionsDigest table = this.sessions.digestOf(connectionId);
        if (marker.agreesWith(table)) {
            this.verifications.agreed();
            log.debug("[{}] The table agrees with the {} of {}: {}", connectionId, marker.reason(),
                    marker.observedAt(), table);
            this.connections.verified(connectionId, marker.observedAt()).ifPresent(row -> this.context.forward(
                    new Record<>(connectionId, (Object) row, trigger.timestamp(), this.events.next('v',
                            CloudEventType.CONNECTION_STATE, connectionId, Instant.ofEpochMilli(row.observedAt()),
                            null)), ProjectorTopology.CONNECTION_STATE_SINK));
            closeRunsTheListEnded(marker, trigger);
            return;
        }
        this.verifications.disagreed();
        String detail = "table has " + table.count() + " sessions (digest " + table.value() + "); the "
                + marker.reason() + " of " + marker.observedAt() + " listed " + marker.sessionCount()
                + " (digest " + marker.digest() + ") as of session-events offset " + marker.sessionEventsOffset();
        log.warn("[{}] The session table disagrees with the gateway: {}. Asking the ingestor for a full snapshot.",
                connectionId, detail);
        long now = this.context.currentSystemTimeMs();
        SnapshotRequest request = SnapshotRequest.of(connectionId, SnapshotReason.TABLE_MISMATCH,
                SnapshotRequest.PROJECTOR, detail, now);
        this.context.forward(new Record<>(connectionId, (Object) request, trigger.timestamp(), this.events.next('q',
                CloudEventType.SNAPSHOT_REQUESTED, connectionId, Instant.ofEpochMilli(now), null)),
                ProjectorTopology.SNAPSHOT_REQUESTS_SINK);
    }

    private void closeRunsTheListEnded(SessionsVerified marker, Record<String, Object> trigger) {
        this.context.forward(new Record<>(marker.connectionId(), (Object) new TableSignal.SnapshotApplied(
                marker.connectionId(), marker.observedAt(), marker.listedFrom()), trigger.timestamp()),
                ProjectorTopology.PROJECT_ACTIVITY);
    }
}
