package io.crewstream.replay.table;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects one connection's snapshot chunks until a snapshot is complete, by the projector's rule (its
 * {@code SnapshotAssembler}): a snapshot is complete when its chunks 0..chunkCount-1 arrived in order. Chunk 0 of
 * any snapshot discards an unfinished one (its writer was cut off); a chunk that does not follow the one before it
 * is dropped, and discards the snapshot being collected only when it belongs to it (a gap: it can never complete).
 * A stray chunk of another snapshot leaves it alone.
 *
 * <p>The one copy of that rule in replay: {@link ConnectionFold} (which applies snapshots) and {@link TableFolding}'s
 * search for the nearest one (which must settle on a snapshot the fold would apply) both assemble through it.
 * Whether a complete snapshot's rows add up is for the caller. Not thread-safe.
 *
 * @param <C> what the caller keeps of a chunk (the chunk itself, or only its header)
 */
final class SnapshotAssembly<C> {

    /** A complete snapshot: its chunks in order, and the offset of the first. */
    record Complete<C>(List<C> chunks, long firstOffset) {
    }

    private final List<C> pending = new ArrayList<>();

    private String snapshotId;

    private int chunkCount;

    private long firstOffset = -1;

    private int discarded;

    /**
     * Takes the connection's next chunk, at {@code offset} on its partition.
     * @return the snapshot this chunk completes; null when it completes none
     */
    Complete<C> add(C chunk, String snapshotId, int chunkIndex, int chunkCount, long offset) {
        if (chunkIndex == 0) {
            discardPending();
            this.snapshotId = snapshotId;
            this.chunkCount = chunkCount;
            this.firstOffset = offset;
        }
        else if (!follows(snapshotId, chunkIndex, chunkCount)) {
            if (snapshotId.equals(this.snapshotId)) {
                // A gap: this snapshot can never be complete.
                discardPending();
            }
            return null;
        }
        this.pending.add(chunk);
        if (chunkIndex != chunkCount - 1) {
            return null;
        }
        Complete<C> complete = new Complete<>(List.copyOf(this.pending), this.firstOffset);
        clear();
        return complete;
    }

    /** Snapshots discarded unfinished so far: cut off by a newer one, or a chunk missing. */
    int discarded() {
        return this.discarded;
    }

    private boolean follows(String snapshotId, int chunkIndex, int chunkCount) {
        return !this.pending.isEmpty() && this.pending.size() == chunkIndex && snapshotId.equals(this.snapshotId)
                && chunkCount == this.chunkCount;
    }

    private void discardPending() {
        if (!this.pending.isEmpty()) {
            this.discarded++;
            clear();
        }
    }

    private void clear() {
        this.pending.clear();
        this.snapshotId = null;
        this.chunkCount = 0;
        this.firstOffset = -1;
    }
}
