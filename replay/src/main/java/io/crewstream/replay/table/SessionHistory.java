package io.crewstream.replay.table;

import java.time.Instant;
import java.util.List;

import io.crewstream.schemas.records.SessionRow;

/**
 * One session's life between two instants: its row at the start (null if it did not exist), then every change,
 * every upstream frame that names it and every status change of its gateway, in time order.
 */
public record SessionHistory(String connectionId, String sessionKey, Instant from, Instant to, SessionRow initial,
        List<HistoryEntry> entries) {

    public SessionHistory {
        entries = List.copyOf(entries);
    }
}
