package io.crewstream.projector.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SnapshotChunk;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the chunks of a snapshot until it is complete, over the {@link ProjectorTopology#SNAPSHOT_CHUNKS_STORE}
 * store (so a half-received snapshot survives a restart or a move to another instance).
 *
 * <p>A snapshot is complete when chunks 0..chunkCount-1 of one snapshot id have arrived in order. Chunk 0 of a new
 * snapshot of the same connection discards an unfinished older one: its writer died, and a snapshot cut off half
 * way must delete nothing. A chunk that does not follow the previous one is dropped with a warning; if it belongs
 * to the snapshot being collected, that snapshot has a gap and is discarded too. Each discarded snapshot is
 * logged at WARN and counted in {@link DiscardedSnapshots}. Used from a stream thread only.
 */
final class SnapshotAssembler {

    private static final Logger log = LoggerFactory.getLogger(SnapshotAssembler.class);

    private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

    private final KeyValueStore<String, SessionEvent> store;
    private final DiscardedSnapshots discarded;

    SnapshotAssembler(KeyValueStore<String, SessionEvent> store, DiscardedSnapshots discarded) {
        this.store = store;
        this.discarded = discarded;
    }

    /** @return every chunk of the snapshot, in order, once {@code chunk} completes it; empty until then */
    Optional<List<SnapshotChunk>> add(SnapshotChunk chunk) {
        String connectionId = chunk.connectionId();
        if (chunk.chunkIndex() == 0) {
            discardPending(connectionId, DiscardedSnapshots.Reason.CUT_OFF,
                    "snapshot " + chunk.snapshotId() + " started");
            if (chunk.isLast()) {
                return Optional.of(List.of(chunk));
            }
            this.store.put(key(connectionId, 0), chunk);
            return Optional.empty();
        }
        SessionEvent previous = this.store.get(key(connectionId, chunk.chunkIndex() - 1));
        if (!(previous instanceof SnapshotChunk before) || !before.snapshotId().equals(chunk.snapshotId())
                || !before.chunkCount().equals(chunk.chunkCount())) {
            log.warn("Dropping chunk {} of {} of snapshot {} of connection {}: the chunk before it was not received",
                    chunk.chunkIndex() + 1, chunk.chunkCount(), chunk.snapshotId(), connectionId);
            if (isPending(connectionId, chunk.snapshotId())) {
                // A gap: this snapshot can never be complete.
                discardPending(connectionId, DiscardedSnapshots.Reason.CHUNK_MISSING,
                        "its chunk " + chunk.chunkIndex() + " of " + chunk.chunkCount() + " never arrived");
            }
            return Optional.empty();
        }
        if (!chunk.isLast()) {
            this.store.put(key(connectionId, chunk.chunkIndex()), chunk);
            return Optional.empty();
        }
        List<SnapshotChunk> chunks = new ArrayList<>(chunk.chunkCount());
        for (KeyValue<String, SessionEvent> pending : pending(connectionId)) {
            chunks.add((SnapshotChunk) pending.value);
            this.store.delete(pending.key);
        }
        chunks.add(chunk);
        return Optional.of(chunks);
    }

    private boolean isPending(String connectionId, String snapshotId) {
        SessionEvent first = this.store.get(key(connectionId, 0));
        return first instanceof SnapshotChunk chunk && chunk.snapshotId().equals(snapshotId);
    }

    private void discardPending(String connectionId, DiscardedSnapshots.Reason reason, String why) {
        List<KeyValue<String, SessionEvent>> pending = pending(connectionId);
        if (pending.isEmpty()) {
            return;
        }
        SnapshotChunk first = (SnapshotChunk) pending.get(0).value;
        log.warn("Discarding incomplete snapshot {} of connection {} ({} of {} chunks received, nothing applied): {}",
                first.snapshotId(), connectionId, pending.size(), first.chunkCount(), why);
        pending.forEach(entry -> this.store.delete(entry.key));
        this.discarded.record(reason);
    }

    /** The pending chunks of the connection, in index order (keys sort by zero-padded index). */
    private List<KeyValue<String, SessionEvent>> pending(String connectionId) {
        List<KeyValue<String, SessionEvent>> pending = new ArrayList<>();
        try (KeyValueIterator<String, SessionEvent> entries = this.store.prefixScan(connectionId + "/",
                KEY_SERIALIZER)) {
            entries.forEachRemaining(pending::add);
        }
        return pending;
    }

    private static String key(String connectionId, int chunkIndex) {
        // Connection ids have no '/', and zero padding makes the store's byte order the chunk order.
        return connectionId + "/" + String.format("%010d", chunkIndex);
    }
}
