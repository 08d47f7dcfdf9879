package io.crewstream.replay.support;

import java.util.List;

import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.node.ObjectNode;

/** Session events and rows as the ingestor writes them, for replay's tests. */
public final class Events {

    private Events() {
    }

    /** A row with a key, a status, and a volatile field that must not count as a change. */
    public static SessionRow row(String key, String status) {
        return row(key, status, 1_000L);
    }

    public static SessionRow row(String key, String status, long snapshotAt) {
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put("key", key);
        fields.put("kind", "direct");
        fields.put("status", status);
        fields.put("snapshotAt", snapshotAt);
        return SessionRow.of(fields);
    }

    public static SnapshotChunk snapshot(String connectionId, String snapshotId, SessionRow... rows) {
        return SnapshotChunk.of(connectionId, snapshotId, "reconciliation", 0, 1, rows.length, 1, List.of(rows));
    }

    public static SnapshotChunk chunk(String connectionId, String snapshotId, int index, int count, int total,
            SessionRow... rows) {
        return SnapshotChunk.of(connectionId, snapshotId, "reconnect", index, count, total, 1, List.of(rows));
    }

    public static SessionUpserted upsert(String connectionId, SessionRow row, long seq) {
        return SessionUpserted.of(connectionId, "patch", seq, 1, row);
    }

    public static SessionRemoved removal(String connectionId, String sessionKey, long seq) {
        return SessionRemoved.of(connectionId, sessionKey, "delete", seq, 1);
    }

    public static ConnectionStatusEvent status(String connectionId, UpstreamState state) {
        return ConnectionStatusEvent.of(connectionId, state, state == UpstreamState.CONNECTED ? null : "refused",
                state == UpstreamState.CONNECTED ? null : "connection_refused", 1, "2026.9.6", null,
                "ws://127.0.0.1:18789", 1);
    }
}
