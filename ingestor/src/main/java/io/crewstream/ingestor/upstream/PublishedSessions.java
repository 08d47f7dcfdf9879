package io.crewstream.ingestor.upstream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.records.SnapshotReason;

/**
 * The ledger of what this ingestor last published of one connection's sessions: each key's row as last published,
 * replaced by every full snapshot and moved by every change published after it, with the {@link SessionsDigest} of
 * it kept up to date. A re-list that need not be a full snapshot ({@link SnapshotReason#publishesFullSnapshot()}) is
 * compared with it, and only the {@link #differences} are published; the digest and count go into the marker that
 * lets the projector check its table against what was published.
 *
 * <p>A row published trimmed (too large for a record) is held here as listed: the next listing compares equal to it
 * and the digest, which covers only key and {@code updatedAt}, is the same for both.
 *
 * <p>Not thread-safe: owned by one {@link UpstreamSession}.
 */
final class PublishedSessions {

    private final Map<String, SessionRow> rows = new LinkedHashMap<>();
    private SessionsDigest digest = new SessionsDigest();
    private Long fullSnapshotAt;

    /** A full snapshot of these rows was published at {@code publishedAt} (epoch ms). */
    void replace(List<SessionRow> snapshot, long publishedAt) {
        this.rows.clear();
        this.digest = new SessionsDigest();
        for (SessionRow row : snapshot) {
            put(row);
        }
        this.fullSnapshotAt = publishedAt;
    }

    /** A change was published. */
    void apply(SessionEvent change) {
        if (change instanceof SessionUpserted upserted) {
            put(upserted.session());
        }
        else if (change instanceof SessionRemoved removed) {
            SessionRow gone = this.rows.remove(removed.sessionKey());
            if (gone != null) {
                this.digest.remove(gone.key(), gone.updatedAt());
            }
        }
    }

    /**
     * What to publish so that a reader holding what was published ends up with {@code listed}: an upsert for each row
     * that is new or says something else ({@link SessionRow#sameContentAs}, which ignores the volatile fields), then
     * a removal for each published key no longer listed. Not applied: {@link #apply} each one published.
     *
     * @param reason the re-list's reason, the {@code reason} of every change (no {@code upstreamSeq})
     */
    List<SessionEvent> differences(String connectionId, SnapshotReason reason, List<SessionRow> listed,
            long observedAt) {
        List<SessionEvent> changes = new ArrayList<>();
        Set<String> listedKeys = new HashSet<>();
        for (SessionRow row : listed) {
            listedKeys.add(row.key());
            SessionRow published = this.rows.get(row.key());
            if (published == null || !published.sameContentAs(row)) {
                changes.add(SessionUpserted.of(connectionId, reason.wireName(), null, observedAt, row));
            }
        }
        for (String key : this.rows.keySet()) {
            if (!listedKeys.contains(key)) {
                changes.add(SessionRemoved.of(connectionId, key, reason.wireName(), null, observedAt));
            }
        }
        return changes;
    }

    int count() {
        return this.digest.count();
    }

    /** {@link SessionsDigest#value()} of what was published. */
    String digest() {
        return this.digest.value();
    }

    /** Epoch ms at which the last full snapshot was published; null before any. */
    Long fullSnapshotAt() {
        return this.fullSnapshotAt;
    }

    private void put(SessionRow row) {
        SessionRow replaced = this.rows.put(row.key(), row);
        if (replaced != null) {
            this.digest.remove(replaced.key(), replaced.updatedAt());
        }
        this.digest.add(row);
    }
}
