package io.crewstream.schemas.records;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * One part of a full snapshot of a connection's sessions. A snapshot is written as {@code chunkCount} chunks with
 * the same {@code snapshotId}, indexes 0..chunkCount-1, in order and on one partition, so that a snapshot of any
 * size stays under the broker's {@code max.message.bytes}. A reader applies a snapshot only when it holds every
 * chunk; a snapshot cut off half way (the writer died) must delete nothing. An empty snapshot is one chunk with no
 * sessions: "this connection has no sessions" is a fact, not an absence of data.
 *
 * @param reason why the snapshot was taken: {@code initial}, {@code reconnect}, {@code seq-gap},
 *     {@code reload-requested}, {@code reconciliation}, {@code publish-recovered}, …
 * @param totalSessions the number of sessions across all chunks
 */
public record SnapshotChunk(Integer schemaVersion, String connectionId, String snapshotId, String reason,
        Integer chunkIndex, Integer chunkCount, Integer totalSessions, Long observedAt, List<SessionRow> sessions)
        implements SessionEvent {

    private static final String RECORD = "SnapshotChunk";

    public SnapshotChunk {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(snapshotId, RECORD, "snapshotId");
        Require.text(reason, RECORD, "reason");
        Require.present(chunkIndex, RECORD, "chunkIndex");
        Require.present(chunkCount, RECORD, "chunkCount");
        Require.present(totalSessions, RECORD, "totalSessions");
        Require.notNegative(observedAt, RECORD, "observedAt");
        sessions = List.copyOf(Require.present(sessions, RECORD, "sessions"));
        if (chunkCount < 1) {
            throw new InvalidFieldException(RECORD, "chunkCount", "must be at least 1 but was " + chunkCount);
        }
        if (chunkIndex < 0 || chunkIndex >= chunkCount) {
            throw new InvalidFieldException(RECORD, "chunkIndex", "must be in [0, " + chunkCount + ") but was " + chunkIndex);
        }
        if (totalSessions < sessions.size()) {
            throw new InvalidFieldException(RECORD, "totalSessions", "(" + totalSessions
                    + ") is smaller than this chunk's " + sessions.size() + " sessions");
        }
    }

    public static SnapshotChunk of(String connectionId, String snapshotId, String reason, int chunkIndex,
            int chunkCount, int totalSessions, long observedAt, List<SessionRow> sessions) {
        return new SnapshotChunk(SchemaVersion.CURRENT, connectionId, snapshotId, reason, chunkIndex, chunkCount,
                totalSessions, observedAt, sessions);
    }

    @JsonIgnore
    public boolean isLast() {
        return this.chunkIndex == this.chunkCount - 1;
    }
}
