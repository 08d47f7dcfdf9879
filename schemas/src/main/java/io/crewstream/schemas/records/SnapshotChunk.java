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
 * @param observedAt epoch ms at which the ingestor had the whole list (and published it)
 * @param listedFrom epoch ms at which the ingestor asked for the list's first page: the rows are the gateway's state
 *     at some instant between this and {@code observedAt}. A reader that relates the snapshot to events (a run that
 *     started or ended while the list was fetched) takes this as the instant the snapshot may know of. Absent from
 *     ingestors older than the field: {@code observedAt} is then the best bound there is.
 */
public record SnapshotChunk(Integer schemaVersion, String connectionId, String snapshotId, String reason,
        Integer chunkIndex, Integer chunkCount, Integer totalSessions, Long observedAt, List<SessionRow> sessions,
        Long listedFrom) implements SessionEvent {

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
        if (listedFrom != null && (listedFrom < 0 || listedFrom > observedAt)) {
            throw new InvalidFieldException(RECORD, "listedFrom", "must be between 0 and observedAt (" + observedAt
                    + ") but was " + listedFrom);
        }
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
                totalSessions, observedAt, sessions, null);
    }

    /** This chunk with {@link #listedFrom()} set. */
    public SnapshotChunk withListedFrom(long listedFromMillis) {
        return new SnapshotChunk(this.schemaVersion, this.connectionId, this.snapshotId, this.reason, this.chunkIndex,
                this.chunkCount, this.totalSessions, this.observedAt, this.sessions, listedFromMillis);
    }

    /** The instant the snapshot may know of: {@link #listedFrom()}, else (older ingestors) {@link #observedAt()}. */
    @JsonIgnore
    public long knowsUpTo() {
        return this.listedFrom != null ? this.listedFrom : this.observedAt;
    }

    @JsonIgnore
    public boolean isLast() {
        return this.chunkIndex == this.chunkCount - 1;
    }
}
