package io.crewstream.replay.table;

import java.util.List;

import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.JacksonException;

/**
 * What finding a snapshot needs of a session event, read without building it: whether it is a snapshot chunk, and
 * which (id, index, count, rows in all, and when asked the rows it lists). A 10,000-session snapshot is 20 MB of
 * JSON: the search for the nearest complete one reads the few properties before the rows ({@code sessions} is the
 * contract's last property) and builds none of it; only the snapshot it settles on has its rows counted.
 *
 * @param rows the rows this chunk lists; -1 when not counted
 */
record ChunkHeader(String snapshotId, String reason, int chunkIndex, int chunkCount, int totalSessions, int rows) {

    /** The type id the contract's JSON gives a snapshot chunk, asked of the contract rather than spelt here. */
    private static final String CHUNK_TYPE = ContractJson.mapper().valueToTree(
            SnapshotChunk.of("c", "s", "r", 0, 1, 0, 0, List.of())).get("type").asString();

    /**
     * Whether the event is a snapshot chunk, from its first property alone ({@code type}, which the contract
     * writes first): a few tokens instead of 256 KB of them.
     */
    static boolean isChunk(byte[] json) {
        try (JsonParser parser = ContractJson.mapper().createParser(json)) {
            if (parser.nextToken() == JsonToken.START_OBJECT && parser.nextToken() == JsonToken.PROPERTY_NAME
                    && "type".equals(parser.currentName()) && parser.nextToken() == JsonToken.VALUE_STRING) {
                return CHUNK_TYPE.equals(parser.getString());
            }
        }
        catch (JacksonException ex) {
            return false;
        }
        return of(json, false) != null;
    }

    /** The header of a snapshot chunk, rows counted; null for any other event or bytes that are not an event. */
    static ChunkHeader of(byte[] json) {
        return of(json, true);
    }

    /** The header of a snapshot chunk; with {@code countRows} false, reading stops at the rows. */
    static ChunkHeader of(byte[] json, boolean countRows) {
        String snapshotId = null;
        String reason = null;
        Integer index = null;
        Integer count = null;
        Integer total = null;
        int rows = -1;
        try (JsonParser parser = ContractJson.mapper().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "snapshotId" -> snapshotId = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                    case "reason" -> reason = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                    case "chunkIndex" -> index = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : null;
                    case "chunkCount" -> count = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : null;
                    case "totalSessions" -> total = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : null;
                    case "sessions" -> {
                        if (!countRows) {
                            return header(snapshotId, reason, index, count, total, -1);
                        }
                        rows = countElements(parser, value);
                    }
                    default -> parser.skipChildren();
                }
            }
        }
        catch (JacksonException ex) {
            return null;
        }
        return rows < 0 ? null : header(snapshotId, reason, index, count, total, rows);
    }

    private static ChunkHeader header(String snapshotId, String reason, Integer index, Integer count, Integer total,
            int rows) {
        if (snapshotId == null || index == null || count == null || total == null) {
            return null;
        }
        return new ChunkHeader(snapshotId, reason, index, count, total, rows);
    }

    private static int countElements(JsonParser parser, JsonToken value) {
        if (value != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return -1;
        }
        int count = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            parser.skipChildren();
            count++;
        }
        return count;
    }

    boolean isLast() {
        return this.chunkIndex == this.chunkCount - 1;
    }
}
