package io.crewstream.projector.topology;

import java.util.Optional;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;

/**
 * What the projector knows about one connection: its last status event (null until one arrives; a snapshot may come
 * first), when its last complete snapshot was applied (null until then), how many of its sessions are in the
 * table, and when a sessions-verified marker last agreed with the table (null until one did; absent from rows stored
 * before it existed, which read as null). The value of the {@link ProjectorTopology#CONNECTIONS_STORE} store.
 */
record ConnectionProgress(ConnectionStatusEvent status, Long lastSnapshotAt, int sessionCount, Long lastVerifiedAt) {

    static final ConnectionProgress UNKNOWN = new ConnectionProgress(null, null, 0, null);

    ConnectionProgress withStatus(ConnectionStatusEvent status) {
        return new ConnectionProgress(status, this.lastSnapshotAt, this.sessionCount, this.lastVerifiedAt);
    }

    ConnectionProgress withSnapshot(long snapshotAt, int sessionCount) {
        return new ConnectionProgress(this.status, snapshotAt, sessionCount, this.lastVerifiedAt);
    }

    ConnectionProgress withSessionCountChangedBy(int delta) {
        return new ConnectionProgress(this.status, this.lastSnapshotAt, this.sessionCount + delta,
                this.lastVerifiedAt);
    }

    ConnectionProgress withVerifiedAt(long verifiedAt) {
        return new ConnectionProgress(this.status, this.lastSnapshotAt, this.sessionCount, verifiedAt);
    }

    /** The connection-state row, once a status is known: without one there is no state to report. */
    Optional<ConnectionState> toState(long observedAt) {
        if (this.status == null) {
            return Optional.empty();
        }
        ConnectionStatusEvent s = this.status;
        ConnectionState state = ConnectionState.of(s.connectionId(), s.state(), s.reason(), s.reasonCode(), s.since(),
                s.gatewayVersion(), s.lastTickAt(), this.lastSnapshotAt, this.sessionCount, s.upstreamUrl(),
                observedAt, s.statusIntervalMs()).withOwner(s.owner());
        return Optional.of(this.lastVerifiedAt == null ? state : state.withLastVerifiedAt(this.lastVerifiedAt));
    }
}
