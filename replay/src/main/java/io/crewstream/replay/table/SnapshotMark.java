package io.crewstream.replay.table;

import java.time.Instant;

/**
 * A complete snapshot of one connection: where it starts on its session-events partition and when it was taken.
 * Folding from {@link #firstOffset()} on an empty table gives the exact table once its last chunk is applied.
 */
public record SnapshotMark(String connectionId, String snapshotId, String reason, long firstOffset, long lastOffset,
        Instant at, int sessions) {
}
