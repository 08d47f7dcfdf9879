package io.crewstream.ingestor.publish;

import java.util.List;

import io.crewstream.schemas.records.SessionRow;
import tools.jackson.databind.node.ObjectNode;

/**
 * What is published of a session row too large for a Kafka record: its key and the well-known typed fields, marked
 * {@value #MARKER} so that readers know the rest was left out. Published trimmed rather than left out, because a
 * snapshot without the row would make downstream readers remove a live session.
 *
 * <p>Stateless and thread-safe.
 */
final class TrimmedRow {

    /** The field added to a trimmed row, set to {@code true}. */
    static final String MARKER = "crewstreamTruncated";

    /** The fields {@link SessionRow} has typed accessors for (and {@code hasActiveRun}); everything else goes. */
    static final List<String> KEPT_FIELDS = List.of("key", "kind", "sessionId", "label", "displayName", "agentId",
            "channel", "model", "status", "updatedAt", "totalTokens", "contextTokens", "hasActiveRun");

    private TrimmedRow() {
    }

    /** The row with only {@link #KEPT_FIELDS} and the {@link #MARKER}. */
    static SessionRow of(SessionRow row) {
        ObjectNode all = row.fields();
        ObjectNode kept = all.objectNode();
        for (String name : KEPT_FIELDS) {
            if (all.has(name)) {
                kept.set(name, all.get(name));
            }
        }
        kept.put(MARKER, true);
        return SessionRow.of(kept);
    }

    /**
     * The last resort when even the typed fields are too large (a huge label): the key and {@code updatedAt} alone,
     * marked. {@code updatedAt} stays because the {@code SessionsDigest} of what was published covers it.
     */
    static SessionRow keyOnly(SessionRow row) {
        ObjectNode kept = row.fields().objectNode();
        kept.put("key", row.key());
        if (row.fields().has("updatedAt")) {
            kept.set("updatedAt", row.fields().get("updatedAt"));
        }
        kept.put(MARKER, true);
        return SessionRow.of(kept);
    }
}
