package io.crewstream.projector;

import java.util.List;

import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.node.ObjectNode;

/** Gateway session rows and snapshots as tests need them. */
public final class SessionRows {

    private SessionRows() {
    }

    /** A row with the given key and status, an unknown field the projector must carry along, and a volatile field. */
    public static SessionRow row(String key, String status) {
        return row(key, status, 1_000L);
    }

    public static SessionRow row(String key, String status, long snapshotAt) {
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put("key", key);
        fields.put("kind", "direct");
        fields.put("status", status);
        fields.put("updatedAt", 1_700_000_000_000L);
        fields.put("futureGatewayField", "kept");
        fields.put("snapshotAt", snapshotAt);
        return SessionRow.of(fields);
    }

    /** A complete one-chunk snapshot. */
    public static SnapshotChunk snapshot(String connectionId, String snapshotId, long observedAt,
            SessionRow... rows) {
        return SnapshotChunk.of(connectionId, snapshotId, "reconnect", 0, 1, rows.length, observedAt, List.of(rows));
    }

    /** Chunk {@code index} of {@code count} of a snapshot of {@code total} sessions. */
    public static SnapshotChunk chunk(String connectionId, String snapshotId, int index, int count, int total,
            long observedAt, SessionRow... rows) {
        return SnapshotChunk.of(connectionId, snapshotId, "reconnect", index, count, total, observedAt,
                List.of(rows));
    }
}
