package io.crewstream.replay.table;

import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SessionRow;

/**
 * One gateway's part of the session table as it was at an instant, with the gateway's connection state then.
 *
 * @param sessions the sessions, by key
 * @param status the last connection status the ingestor had written by then; null if none
 * @param basis the snapshot the table was rebuilt from (the nearest complete one at or before the instant); null
 *     when there was none, and the table was folded from the start of what the topic holds
 * @param exact false when the table may be missing sessions: no snapshot within what the topic still holds, and
 *     retention has deleted its beginning
 */
public record ConnectionTableAt(String connectionId, Instant at, SortedMap<String, SessionRow> sessions,
        ConnectionStatusEvent status, SnapshotMark basis, boolean exact) {

    public ConnectionTableAt {
        sessions = Collections.unmodifiableSortedMap(new TreeMap<>(sessions));
    }
}
