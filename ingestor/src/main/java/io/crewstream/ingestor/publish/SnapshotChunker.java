package io.crewstream.ingestor.publish;

import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.serde.ContractJson;

/**
 * Splits a full snapshot into {@link SnapshotChunk}s whose serialized size stays under a target, so that a snapshot
 * of any size passes the broker's {@code max.message.bytes}. Sizes are measured on the serialized rows, not
 * estimated from counts: session rows vary from a few hundred bytes to tens of kilobytes. A row too large for any
 * record is published {@link TrimmedRow trimmed}, never left out: downstream, a session missing from a snapshot is a
 * removed one. An empty snapshot is one chunk with no sessions.
 *
 * <p>Stateless and thread-safe.
 */
public final class SnapshotChunker {

    /** Room for a chunk's own fields (ids, reason, counters) around its rows, with a wide margin. */
    static final int CHUNK_ENVELOPE_BYTES = 1024;

    private final int targetChunkBytes;
    private final int maxRecordBytes;

    public SnapshotChunker(int targetChunkBytes, int maxRecordBytes) {
        this.targetChunkBytes = targetChunkBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * @param trimmed receives a description of each row too large for any record; such a row is published
     *     {@link TrimmedRow trimmed} (or, if even that is too large, left out) rather than blocking the whole
     *     snapshot, and is logged and counted by the caller
     */
    public List<SnapshotChunk> chunk(String connectionId, String snapshotId, SnapshotReason reason,
            List<SessionRow> rows, long observedAt, List<String> trimmed) {
        List<List<SessionRow>> groups = new ArrayList<>();
        List<SessionRow> current = new ArrayList<>();
        long currentBytes = CHUNK_ENVELOPE_BYTES;
        for (SessionRow original : rows) {
            SessionRow row = original;
            int rowBytes = serializedBytes(row);
            if (!fits(rowBytes)) {
                row = TrimmedRow.of(original);
                int trimmedBytes = serializedBytes(row);
                if (!fits(trimmedBytes)) {
                    row = TrimmedRow.keyOnly(original);
                    trimmedBytes = serializedBytes(row);
                }
                if (!fits(trimmedBytes)) {
                    trimmed.add("session '" + original.key() + "' is " + rowBytes + " bytes serialized, more than "
                            + "a record may be (" + this.maxRecordBytes + " bytes), even trimmed; left out");
                    continue;
                }
                trimmed.add("session '" + original.key() + "' is " + rowBytes + " bytes serialized, more than a "
                        + "record may be (" + this.maxRecordBytes + " bytes); published trimmed to " + trimmedBytes
                        + " bytes (marked " + TrimmedRow.MARKER + ")");
                rowBytes = trimmedBytes;
            }
            if (!current.isEmpty() && currentBytes + rowBytes > this.targetChunkBytes) {
                groups.add(current);
                current = new ArrayList<>();
                currentBytes = CHUNK_ENVELOPE_BYTES;
            }
            current.add(row);
            currentBytes += rowBytes;
        }
        groups.add(current);
        int total = groups.stream().mapToInt(List::size).sum();
        List<SnapshotChunk> chunks = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            chunks.add(SnapshotChunk.of(connectionId, snapshotId, reason.wireName(), i, groups.size(), total, observedAt,
                    groups.get(i)));
        }
        return chunks;
    }

    private boolean fits(int rowBytes) {
        return rowBytes + CHUNK_ENVELOPE_BYTES <= this.maxRecordBytes;
    }

    /** Serialized size, +1 for the comma between rows in the array. */
    private static int serializedBytes(SessionRow row) {
        return ContractJson.mapper().writeValueAsBytes(row).length + 1;
    }
}
