package io.crewstream.replay.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotChunk;

/**
 * One connection's session table, folded from its session events in their partition order by the projector's own
 * rules (see the projector's README), so that what replay shows is what the table was and what every browser was
 * told:
 *
 * <ul>
 * <li>A snapshot counts only once every chunk 0..n-1 has arrived in order and its rows add up to its
 * {@code totalSessions}; then it upserts each row that differs and removes the connection's sessions it does not
 * list. Chunk 0 of a newer snapshot drops an unfinished one (its writer was cut off: it deletes nothing); a chunk
 * that does not follow the one before it is dropped, and so is the snapshot being collected when the chunk is one
 * of its own ({@link SnapshotAssembly}).</li>
 * <li>A row equal to the current one but for {@link SessionRow#VOLATILE_FIELDS} is no change.</li>
 * <li>A delta touches its own key only; removing an unknown key is no change.</li>
 * </ul>
 *
 * Not the projector's: it does not know the projector's record-size limit, so a row the projector refused as too
 * large to write (dead-lettered) is in this table. Pure, no I/O; not thread-safe (one fold, one thread).
 */
public final class ConnectionFold {

    private final String connectionId;

    private final boolean describeChanges;

    private final TreeMap<String, SessionRow> sessions = new TreeMap<>();

    private final SnapshotAssembly<SnapshotChunk> assembly = new SnapshotAssembly<>();

    private SnapshotMark lastSnapshot;

    /** Complete snapshots whose rows did not add up; those discarded unfinished are the assembly's count. */
    private int uncountedSnapshots;

    public ConnectionFold(String connectionId) {
        this(connectionId, true);
    }

    /**
     * @param describeChanges false when only the resulting table matters: {@link #apply} then returns no changes,
     *     and builds none (a 10,000-session snapshot would make 10,000 of them)
     */
    public ConnectionFold(String connectionId, boolean describeChanges) {
        this.connectionId = connectionId;
        this.describeChanges = describeChanges;
    }

    /**
     * Applies the connection's next event.
     * @param offset its offset on the session-events partition, for the changes' causes
     * @param at when it was written to Kafka (its record timestamp): the time of the changes it makes
     * @return the changes it made to the table, in key order; empty when it changed nothing (yet)
     */
    public List<TableChange> apply(SessionEvent event, long offset, Instant at) {
        if (event instanceof SnapshotChunk chunk) {
            return chunk(chunk, offset, at);
        }
        if (event instanceof SessionUpserted upserted) {
            Cause cause = new Cause(offset, null, upserted.reason(), upserted.upstreamSeq());
            TableChange change = upsert(upserted.session(), at, cause);
            return change == null ? List.of() : List.of(change);
        }
        if (event instanceof SessionRemoved removed) {
            SessionRow before = this.sessions.remove(removed.sessionKey());
            if (before == null || !this.describeChanges) {
                return List.of();
            }
            return List.of(new TableChange(at, this.connectionId, removed.sessionKey(), ChangeKind.REMOVED, before,
                    null, List.of(), new Cause(offset, null, removed.reason(), removed.upstreamSeq())));
        }
        return List.of();
    }

    private List<TableChange> chunk(SnapshotChunk chunk, long offset, Instant at) {
        SnapshotAssembly.Complete<SnapshotChunk> complete = this.assembly.add(chunk, chunk.snapshotId(),
                chunk.chunkIndex(), chunk.chunkCount(), offset);
        return complete == null ? List.of() : applySnapshot(complete.chunks(), complete.firstOffset(), offset, at);
    }

    private List<TableChange> applySnapshot(List<SnapshotChunk> chunks, long firstOffset, long lastOffset,
            Instant at) {
        SnapshotChunk last = chunks.get(chunks.size() - 1);
        Map<String, SessionRow> rows = new LinkedHashMap<>();
        int listed = 0;
        for (SnapshotChunk chunk : chunks) {
            listed += chunk.sessions().size();
            chunk.sessions().forEach(row -> rows.put(row.key(), row));
        }
        if (listed != last.totalSessions()) {
            this.uncountedSnapshots++;
            return List.of();
        }
        Cause cause = new Cause(lastOffset, last.snapshotId(), last.reason(), null);
        List<TableChange> changes = new ArrayList<>();
        for (SessionRow row : rows.values()) {
            TableChange change = upsert(row, at, cause);
            if (change != null) {
                changes.add(change);
            }
        }
        for (String key : new ArrayList<>(this.sessions.keySet())) {
            if (!rows.containsKey(key)) {
                SessionRow before = this.sessions.remove(key);
                if (this.describeChanges) {
                    changes.add(new TableChange(at, this.connectionId, key, ChangeKind.REMOVED, before, null,
                            List.of(), cause));
                }
            }
        }
        this.lastSnapshot = new SnapshotMark(this.connectionId, last.snapshotId(), last.reason(), firstOffset,
                lastOffset, at, this.sessions.size());
        changes.sort((a, b) -> a.sessionKey().compareTo(b.sessionKey()));
        return changes;
    }

    private TableChange upsert(SessionRow row, Instant at, Cause cause) {
        SessionRow before = this.sessions.get(row.key());
        if (before != null && before.sameContentAs(row)) {
            return null;
        }
        this.sessions.put(row.key(), row);
        if (!this.describeChanges) {
            return null;
        }
        return before == null
                ? new TableChange(at, this.connectionId, row.key(), ChangeKind.CREATED, null, row, List.of(), cause)
                : new TableChange(at, this.connectionId, row.key(), ChangeKind.UPDATED, before, row,
                        FieldChange.between(before, row), cause);
    }

    public String connectionId() {
        return this.connectionId;
    }

    /** The table now, by session key; an unmodifiable copy. */
    public SortedMap<String, SessionRow> sessions() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(this.sessions));
    }

    /** One session's row now; null when the table does not hold it. Copies nothing, unlike {@link #sessions()}. */
    public SessionRow session(String sessionKey) {
        return this.sessions.get(sessionKey);
    }

    /** The last snapshot applied; null before the first. */
    public SnapshotMark lastSnapshot() {
        return this.lastSnapshot;
    }

    /** Snapshots received but not applied (cut off, a chunk missing, rows not adding up). */
    public int discardedSnapshots() {
        return this.assembly.discarded() + this.uncountedSnapshots;
    }
}
