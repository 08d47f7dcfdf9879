package io.crewstream.projector.topology;

import java.util.List;

import io.crewstream.schemas.records.SnapshotChunk;

/**
 * What the projector keeps of a snapshot chunk it has applied while the rest of its snapshot is still to come: which
 * snapshot it belongs to and the keys it listed, not its rows (those are in the session table already). The value of
 * the {@link ProjectorTopology#SNAPSHOT_PROGRESS_STORE} store, about 2 % of the chunk's size for rows of ~2 KB.
 *
 * @param sessionKeys the keys of the chunk's rows, in its order, repeats included (so that their count is the
 *     chunk's row count, which the snapshot's {@code totalSessions} is checked against)
 * @param knowsUpTo the chunk's {@link SnapshotChunk#knowsUpTo()}
 */
record ChunkReceipt(String snapshotId, int chunkCount, int totalSessions, long knowsUpTo, List<String> sessionKeys) {

    static ChunkReceipt of(SnapshotChunk chunk) {
        return new ChunkReceipt(chunk.snapshotId(), chunk.chunkCount(), chunk.totalSessions(), chunk.knowsUpTo(),
                chunk.sessions().stream().map(row -> row.key()).toList());
    }

    /** Whether {@code chunk} belongs to the same snapshot as the chunk this is the receipt of. */
    boolean sameSnapshotAs(SnapshotChunk chunk) {
        return this.snapshotId.equals(chunk.snapshotId()) && this.chunkCount == chunk.chunkCount();
    }
}
