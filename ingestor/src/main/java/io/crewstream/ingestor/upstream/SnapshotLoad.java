package io.crewstream.ingestor.upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.SessionRow;

/**
 * A full snapshot being listed page by page. Not thread-safe: owned by one supervisor's thread.
 */
final class SnapshotLoad {

    private final String reason;
    private final long startedNanos;
    private final Map<String, SessionRow> rows = new LinkedHashMap<>();
    private long offset;

    SnapshotLoad(String reason, long startedNanos) {
        this.reason = reason;
        this.startedNanos = startedNanos;
    }

    String reason() {
        return this.reason;
    }

    long startedNanos() {
        return this.startedNanos;
    }

    long offset() {
        return this.offset;
    }

    void offset(long offset) {
        this.offset = offset;
    }

    /** Rows move between pages while the gateway changes; the later sighting of a key is the newer one. */
    void add(List<SessionRow> page) {
        for (SessionRow row : page) {
            this.rows.remove(row.key());
            this.rows.put(row.key(), row);
        }
    }

    List<SessionRow> rows() {
        return new ArrayList<>(this.rows.values());
    }
}
