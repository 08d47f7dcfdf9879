package io.crewstream.projector.topology;

import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The connection rows of one task, over the {@link ProjectorTopology#CONNECTIONS_STORE} store. Each change returns
 * the connection-state row to publish, if there is one to publish. Used from a stream thread only.
 */
final class ConnectionTable {

    private static final ContractSerde<ConnectionProgress> PROGRESS = ContractSerdes.of(ConnectionProgress.class);

    private final KeyValueStore<String, ConnectionProgress> store;

    private final RecordSizeLimit limit;

    /**
     * @param limit the largest record written: only a status brings text of unbounded length (a reason, a URL), so
     *     only a status change is measured
     */
    ConnectionTable(KeyValueStore<String, ConnectionProgress> store, RecordSizeLimit limit) {
        this.store = store;
        this.limit = limit;
    }

    /** @throws OversizedOutputException when the connection's row with this status would be too large to write */
    Optional<ConnectionState> statusChanged(ConnectionStatusEvent status) {
        String id = status.connectionId();
        ConnectionProgress next = current(id).withStatus(status);
        Optional<ConnectionState> state = next.toState(status.observedAt());
        // Measured before anything is stored: a status refused as too large leaves the connection as it was.
        Supplier<String> what = () -> "The status of connection " + id;
        this.limit.requireFits(id, PROGRESS.serialize(null, next), what);
        state.ifPresent(row -> this.limit.requireFits(id, ContractSerdes.connectionState().serialize(null, row),
                what));
        this.store.put(id, next);
        return state;
    }

    /** The connection's last status, null before any. */
    ConnectionStatusEvent lastStatus(String connectionId) {
        return current(connectionId).status();
    }

    Optional<ConnectionState> snapshotApplied(String connectionId, long snapshotAt, int sessionCount) {
        return update(connectionId, progress -> progress.withSnapshot(snapshotAt, sessionCount), snapshotAt);
    }

    Optional<ConnectionState> sessionCountChanged(String connectionId, int delta, long observedAt) {
        return update(connectionId, progress -> progress.withSessionCountChangedBy(delta), observedAt);
    }

    /** The table agreed with a sessions-verified marker of the re-list at {@code verifiedAt}. */
    Optional<ConnectionState> verified(String connectionId, long verifiedAt) {
        return update(connectionId, progress -> progress.withVerifiedAt(verifiedAt), verifiedAt);
    }

    private Optional<ConnectionState> update(String connectionId, UnaryOperator<ConnectionProgress> change,
            long observedAt) {
        ConnectionProgress next = change.apply(current(connectionId));
        this.store.put(connectionId, next);
        return next.toState(observedAt);
    }

    private ConnectionProgress current(String connectionId) {
        ConnectionProgress stored = this.store.get(connectionId);
        return stored == null ? ConnectionProgress.UNKNOWN : stored;
    }
}
