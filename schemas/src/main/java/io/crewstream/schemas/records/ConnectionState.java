package io.crewstream.schemas.records;

import java.util.Objects;

import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on the compacted {@link io.crewstream.schemas.Topic#CONNECTION_STATE} table: the latest status of one
 * upstream connection, keyed by connection id. While {@code state} is not {@code connected}, the sessions of this
 * connection in the session-state table are the last known ones and may be stale.
 *
 * @param lastSnapshotAt epoch ms of the last complete snapshot applied for this connection
 * @param sessionCount number of sessions of this connection in the table after that snapshot and later changes
 * @param statusIntervalMs copied from the {@link ConnectionStatusEvent}: this row is restated at least this often
 *     (ms) while the pipeline moves; null when nothing is promised
 * @param lastVerifiedAt epoch ms ({@link SessionsVerified#observedAt()}) of the last re-list the table was found to
 *     agree with; null before any
 * @param owner copied from the {@link ConnectionStatusEvent}: the ingestor instance holding the link; null when the
 *     ingestor predates ownership
 */
public record ConnectionState(Integer schemaVersion, String connectionId, UpstreamState state, String reason,
        String reasonCode, Long since, String gatewayVersion, Long lastTickAt, Long lastSnapshotAt,
        Integer sessionCount, String upstreamUrl, Long observedAt, Long statusIntervalMs, Long lastVerifiedAt,
        String owner) {

    private static final String RECORD = "ConnectionState";

    public ConnectionState {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.present(state, RECORD, "state");
        Require.notNegative(since, RECORD, "since");
        Require.notNegative(observedAt, RECORD, "observedAt");
    }

    /** A row with no restatement promised. */
    public static ConnectionState of(String connectionId, UpstreamState state, String reason, String reasonCode,
            long since, String gatewayVersion, Long lastTickAt, Long lastSnapshotAt, Integer sessionCount,
            String upstreamUrl, long observedAt) {
        return of(connectionId, state, reason, reasonCode, since, gatewayVersion, lastTickAt, lastSnapshotAt,
                sessionCount, upstreamUrl, observedAt, null);
    }

    public static ConnectionState of(String connectionId, UpstreamState state, String reason, String reasonCode,
            long since, String gatewayVersion, Long lastTickAt, Long lastSnapshotAt, Integer sessionCount,
            String upstreamUrl, long observedAt, Long statusIntervalMs) {
        return new ConnectionState(SchemaVersion.CURRENT, connectionId, state, reason, reasonCode, since,
                gatewayVersion, lastTickAt, lastSnapshotAt, sessionCount, upstreamUrl, observedAt, statusIntervalMs, null, null);
    }

    /** This row, verified against a re-list at {@code verifiedAt}. */
    public ConnectionState withLastVerifiedAt(long verifiedAt) {
        return new ConnectionState(this.schemaVersion, this.connectionId, this.state, this.reason, this.reasonCode,
                this.since, this.gatewayVersion, this.lastTickAt, this.lastSnapshotAt, this.sessionCount,
                this.upstreamUrl, this.observedAt, this.statusIntervalMs, verifiedAt, this.owner);
    }

    /** This row, for a link held by the ingestor instance {@code owner}. */
    public ConnectionState withOwner(String owner) {
        return new ConnectionState(this.schemaVersion, this.connectionId, this.state, this.reason, this.reasonCode,
                this.since, this.gatewayVersion, this.lastTickAt, this.lastSnapshotAt, this.sessionCount,
                this.upstreamUrl, this.observedAt, this.statusIntervalMs, this.lastVerifiedAt, owner);
    }

    /**
     * Whether this row only restates {@code other}: everything but the tick and observation times is the same, as
     * when the ingestor publishes an unchanged status again (see {@link ConnectionStatusEvent#restates}).
     */
    public boolean restates(ConnectionState other) {
        return other != null && this.connectionId.equals(other.connectionId) && this.state == other.state
                && Objects.equals(this.reason, other.reason) && Objects.equals(this.reasonCode, other.reasonCode)
                && Objects.equals(this.since, other.since) && Objects.equals(this.gatewayVersion, other.gatewayVersion)
                && Objects.equals(this.lastSnapshotAt, other.lastSnapshotAt)
                && Objects.equals(this.sessionCount, other.sessionCount)
                && Objects.equals(this.upstreamUrl, other.upstreamUrl)
                && Objects.equals(this.statusIntervalMs, other.statusIntervalMs)
                && Objects.equals(this.lastVerifiedAt, other.lastVerifiedAt)
                && Objects.equals(this.owner, other.owner);
    }

    public boolean sessionsStale() {
        return this.state.sessionsStale();
    }
}
