package io.crewstream.projector.topology;

import java.util.Optional;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;

/**
 * What the projector knows about one connection: its last status event (null until one arrives; a snapshot may come
 * first), when its last complete snapshot was applied (null until then) and how many of its sessions are in the
 * table. The value of the {@link ProjectorTopology#CONNECTIONS_STORE} store.
 */
record ConnectionProgress(ConnectionStatusEvent status, Long lastSnapshotAt, int sessionCount) {

    static final ConnectionProgress UNKNOWN = new ConnectionProgress(null, null, 0);

    ConnectionProgress withStatus(ConnectionStatusEvent status) {
        return new ConnectionProgress(status, this.lastSnapshotAt, this.sessionCount);
    }

    ConnectionProgress withSnapshot(long snapshotAt, int sessionCount) {
        return new ConnectionProgress(this.status, snapshotAt, sessionCount);
    }

    ConnectionProgress withSessionCountChangedBy(int delta) {
        return new ConnectionProgress(this.status, this.lastSnapshotAt, this.sessionCount + delta);
    }

    /** The connection-state row, once a status is known: without one there is no state to report. */
    Optional<ConnectionState> toState(long observedAt) {
        if (this.status == null) {
            return Optional.empty();
        }
        ConnectionStatusEvent s = this.status;
        return Optional.of(ConnectionState.of(s.connectionId(), s.state(), s.reason(), s.reasonCode(), s.since(),
                s.gatewayVersion(), s.lastTickAt(), this.lastSnapshotAt, this.sessionCount, s.upstreamUrl(),
                observedAt, s.statusIntervalMs()));
    }
}
