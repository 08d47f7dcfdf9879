package io.crewstream.schemas.records;

import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on {@link io.crewstream.schemas.Topic#SNAPSHOT_REQUESTS}: a reader of the session events asks the ingestor
 * that owns the connection for a full snapshot. The projector writes one when its table disagrees with a
 * {@link SessionsVerified} marker. The ingestor answers with a full snapshot of reason {@link #reason()}, unless it has
 * published a full snapshot of the connection since {@link #requestedAt()} (that one already answers it).
 *
 * @param reason the {@link SnapshotReason} to take the snapshot for (wire name), {@code table-mismatch}
 * @param requestedBy who asks ({@code projector}), for the ingestor's log line
 * @param detail what disagreed, human-readable ("table has 9,998 sessions, digest …; marker says 10,000, …")
 * @param requestedAt epoch ms of the request
 */
public record SnapshotRequest(Integer schemaVersion, String connectionId, String reason, String requestedBy,
        String detail, Long requestedAt) {

    private static final String RECORD = "SnapshotRequest";

    /** {@link #requestedBy()} of the projector's requests. */
    public static final String PROJECTOR = "projector";

    public SnapshotRequest {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(reason, RECORD, "reason");
        Require.text(requestedBy, RECORD, "requestedBy");
        Require.notNegative(requestedAt, RECORD, "requestedAt");
    }

    public static SnapshotRequest of(String connectionId, SnapshotReason reason, String requestedBy, String detail,
            long requestedAt) {
        return new SnapshotRequest(SchemaVersion.CURRENT, connectionId, reason.wireName(), requestedBy, detail,
                requestedAt);
    }
}
