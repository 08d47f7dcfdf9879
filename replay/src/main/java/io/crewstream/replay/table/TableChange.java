package io.crewstream.replay.table;

import java.time.Instant;
import java.util.List;

import io.crewstream.schemas.records.SessionRow;

/**
 * One change of the session table, as the projector made it and every browser was told it ({@code session-created},
 * {@code session-updated}, {@code session-removed}).
 *
 * @param at when the change was written to Kafka: the record timestamp of its session event (the ingestor writes
 *     each event as it sees it upstream, so within milliseconds of that; during a Kafka outage, when it got out)
 * @param before the row before; null for a creation
 * @param after the row after; null for a removal
 * @param fields for an update, the fields that changed (volatile ones ignored); empty otherwise
 */
public record TableChange(Instant at, String connectionId, String sessionKey, ChangeKind kind, SessionRow before,
        SessionRow after, List<FieldChange> fields, Cause cause) {

    public TableChange {
        fields = List.copyOf(fields);
    }
}
