package io.crewstream.schemas.records;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why the ingestor listed a connection's sessions: {@link SnapshotChunk#reason()} of a full snapshot, and
 * {@link SessionsVerified#reason()} of a re-list that published only the differences.
 *
 * <p>Whether a listing is published as a full snapshot or as differences plus a {@link SessionsVerified} marker is
 * decided here, in one place ({@link #publishesFullSnapshot()}): a full snapshot whenever what the ingestor last
 * published may not be what the table holds (a new connection or a restarted ingestor, a seq gap, records lost to a
 * Kafka outage, a projector that found its table disagreeing); the differences otherwise, so that an idle gateway
 * costs a marker per reconciliation instead of its whole table.
 *
 * <p>Readers must accept reasons they do not know: older topics hold {@code reload-requested} and
 * {@code malformed-frame} full snapshots, and later versions may add reasons.
 */
public enum SnapshotReason {

    /** The first snapshot of the connection since the ingestor started. */
    INITIAL("initial", true),
    /** The link was re-established: changes may have been missed while it was down. */
    RECONNECT("reconnect", true),
    /** A {@code seq} was skipped: an event was missed. */
    SEQ_GAP("seq-gap", true),
    /** Kafka refused records for a while; the ones lost are replaced by this snapshot. */
    PUBLISH_RECOVERED("publish-recovered", true),
    /**
     * The projector found its table disagreeing with a {@link SessionsVerified} marker and asked for a full snapshot
     * through a {@link SnapshotRequest}.
     */
    TABLE_MISMATCH("table-mismatch", true),
    /** The periodic re-list ({@code reconciliation-interval}). */
    RECONCILIATION("reconciliation", false),
    /** A keyless {@code sessions.changed}: something changed and the gateway did not say what. */
    RELOAD_REQUESTED("reload-requested", false),
    /** A frame after the handshake could not be read: it may have been a change. */
    MALFORMED_FRAME("malformed-frame", false);

    private final String wireName;
    private final boolean fullSnapshot;

    SnapshotReason(String wireName, boolean fullSnapshot) {
        this.wireName = wireName;
        this.fullSnapshot = fullSnapshot;
    }

    /** The string written to {@code reason}. */
    public String wireName() {
        return this.wireName;
    }

    /**
     * Whether a listing for this reason is published as a full snapshot; otherwise as the differences from what was
     * last published, followed by a {@link SessionsVerified} marker.
     */
    public boolean publishesFullSnapshot() {
        return this.fullSnapshot;
    }

    /** The reason of this wire name; empty for one this version does not know. */
    public static Optional<SnapshotReason> fromWire(String wireName) {
        return Arrays.stream(values()).filter(reason -> reason.wireName.equals(wireName)).findFirst();
    }

    @Override
    public String toString() {
        return this.wireName;
    }
}
