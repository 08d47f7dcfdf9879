package io.crewstream.projector.topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.crewstream.schemas.records.SnapshotChunk;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the chunks of each connection's snapshot as they arrive and says what to do with each: apply its rows
 * (they are what the gateway listed, true observations whether or not the rest of the snapshot ever comes), drop it,
 * or, for the chunk that completes its snapshot, also remove the connection's sessions the snapshot did not list.
 * Between chunks it keeps only a {@link ChunkReceipt} of each (its snapshot and the keys it listed, not its rows),
 * over the {@link ProjectorTopology#SNAPSHOT_PROGRESS_STORE} store, so that a snapshot half received when the
 * projector stops or its task moves completes as if nothing had happened.
 *
 * <p>A snapshot is complete when chunks 0..chunkCount-1 of one snapshot id have arrived in order and their rows add
 * up to its {@code totalSessions}. Chunk 0 of a new snapshot of the same connection discards an unfinished older one:
 * its writer died, and a snapshot cut off half way must delete nothing. A chunk that does not follow the previous one
 * is dropped with a warning, its rows not applied; if it belongs to the snapshot being followed, that snapshot has a
 * gap and is discarded too. A snapshot whose rows do not add up removes nothing. Each discarded snapshot is logged at
 * WARN and counted in {@link DiscardedSnapshots}: the rows it brought are in the table, but a session it would have
 * removed may still be there until the next complete snapshot. Used from a stream thread only.
 */
final class SnapshotAssembler {

    /** What to do with a chunk. */
    sealed interface Step permits Dropped, Apply, Complete {
    }

    /** The chunk does not follow the one before it: apply nothing of it. */
    record Dropped() implements Step {
    }

    /** Apply the chunk's rows; its snapshot removes nothing (yet). */
    record Apply() implements Step {
    }

    /**
     * Apply the chunk's rows, then remove the connection's sessions whose keys are not in {@code listedKeys}: the
     * chunk completes its snapshot.
     * @param knowsUpTo the earliest {@link SnapshotChunk#knowsUpTo()} of the snapshot's chunks
     */
    record Complete(Set<String> listedKeys, long knowsUpTo, int chunkCount) implements Step {
    }

    private static final Logger log = LoggerFactory.getLogger(SnapshotAssembler.class);

    private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

    private static final Step DROPPED = new Dropped();

    private static final Step APPLY = new Apply();

    private final KeyValueStore<String, ChunkReceipt> store;
    private final DiscardedSnapshots discarded;

    SnapshotAssembler(KeyValueStore<String, ChunkReceipt> store, DiscardedSnapshots discarded) {
        this.store = store;
        this.discarded = discarded;
    }

    Step add(SnapshotChunk chunk) {
        String connectionId = chunk.connectionId();
        if (chunk.chunkIndex() == 0) {
            discardPending(connectionId, DiscardedSnapshots.Reason.CUT_OFF,
                    "snapshot " + chunk.snapshotId() + " started");
            if (chunk.isLast()) {
                return complete(List.of(), chunk);
            }
            this.store.put(key(connectionId, 0), ChunkReceipt.of(chunk));
            return APPLY;
        }
        ChunkReceipt previous = this.store.get(key(connectionId, chunk.chunkIndex() - 1));
        if (previous == null || !previous.sameSnapshotAs(chunk)) {
            log.warn("Dropping chunk {} of {} of snapshot {} of connection {}: the chunk before it was not received",
                    chunk.chunkIndex() + 1, chunk.chunkCount(), chunk.snapshotId(), connectionId);
            if (isPending(connectionId, chunk.snapshotId())) {
                // A gap: this snapshot can never be complete.
                discardPending(connectionId, DiscardedSnapshots.Reason.CHUNK_MISSING,
                        "its chunk " + chunk.chunkIndex() + " of " + chunk.chunkCount() + " never arrived");
            }
            return DROPPED;
        }
        if (!chunk.isLast()) {
            this.store.put(key(connectionId, chunk.chunkIndex()), ChunkReceipt.of(chunk));
            return APPLY;
        }
        List<ChunkReceipt> earlier = new ArrayList<>(chunk.chunkCount() - 1);
        for (KeyValue<String, ChunkReceipt> pending : pending(connectionId)) {
            earlier.add(pending.value);
            this.store.delete(pending.key);
        }
        return complete(earlier, chunk);
    }

    private Step complete(List<ChunkReceipt> earlier, SnapshotChunk last) {
        Set<String> keys = new HashSet<>();
        int listed = last.sessions().size();
        long knowsUpTo = last.knowsUpTo();
        for (ChunkReceipt receipt : earlier) {
            keys.addAll(receipt.sessionKeys());
            listed += receipt.sessionKeys().size();
            knowsUpTo = Math.min(knowsUpTo, receipt.knowsUpTo());
        }
        last.sessions().forEach(row -> keys.add(row.key()));
        if (listed != last.totalSessions()) {
            // Rows went missing between the gateway and here; removing "absent" sessions would remove real ones.
            log.warn("Not removing the sessions absent from snapshot {} of connection {} (its rows were applied): "
                    + "its {} chunks list {} sessions but totalSessions says {}", last.snapshotId(),
                    last.connectionId(), last.chunkCount(), listed, last.totalSessions());
            this.discarded.record(DiscardedSnapshots.Reason.ROWS_DO_NOT_ADD_UP);
            return APPLY;
        }
        return new Complete(keys, knowsUpTo, last.chunkCount());
    }

    private boolean isPending(String connectionId, String snapshotId) {
        ChunkReceipt first = this.store.get(key(connectionId, 0));
        return first != null && first.snapshotId().equals(snapshotId);
    }

    private void discardPending(String connectionId, DiscardedSnapshots.Reason reason, String why) {
        List<KeyValue<String, ChunkReceipt>> pending = pending(connectionId);
        if (pending.isEmpty()) {
            return;
        }
        ChunkReceipt first = pending.get(0).value;
        log.warn("Discarding incomplete snapshot {} of connection {} ({} of {} chunks received and their rows "
                + "applied, no session removed): {}", first.snapshotId(), connectionId, pending.size(),
                first.chunkCount(), why);
        pending.forEach(entry -> this.store.delete(entry.key));
        this.discarded.record(reason);
    }

    /** The receipts of the connection's pending chunks, in index order (keys sort by zero-padded index). */
    private List<KeyValue<String, ChunkReceipt>> pending(String connectionId) {
        List<KeyValue<String, ChunkReceipt>> pending = new ArrayList<>();
        try (KeyValueIterator<String, ChunkReceipt> entries = this.store.prefixScan(connectionId + "/",
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
