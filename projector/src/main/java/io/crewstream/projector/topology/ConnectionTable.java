package io.crewstream.projector.topology;

import java.util.Optional;
import java.util.function.UnaryOperator;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The connection rows of one task, over the {@link ProjectorTopology#CONNECTIONS_STORE} store. Each change returns
 * the connection-state row to publish, if there is one to publish. Used from a stream thread only.
 */
final class ConnectionTable {

    private final KeyValueStore<String, ConnectionProgress> store;

    ConnectionTable(KeyValueStore<String, ConnectionProgress> store) {
        this.store = store;
    }

    Optional<ConnectionState> statusChanged(ConnectionStatusEvent status) {
        return update(status.connectionId(), progress -> progress.withStatus(status), status.observedAt());
    }

    Optional<ConnectionState> snapshotApplied(String connectionId, long snapshotAt, int sessionCount) {
        return update(connectionId, progress -> progress.withSnapshot(snapshotAt, sessionCount), snapshotAt);
    }

    Optional<ConnectionState> sessionCountChanged(String connectionId, int delta, long observedAt) {
        return update(connectionId, progress -> progress.withSessionCountChangedBy(delta), observedAt);
    }

    private Optional<ConnectionState> update(String connectionId, UnaryOperator<ConnectionProgress> change,
            long observedAt) {
        ConnectionProgress current = this.store.get(connectionId);
        ConnectionProgress next = change.apply(current == null ? ConnectionProgress.UNKNOWN : current);
        this.store.put(connectionId, next);
        return next.toState(observedAt);
    }
}
