package io.crewstream.replay.table;

import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.JacksonException;

/**
 * What finding a snapshot needs of a session event, read without building it: whether it is a snapshot chunk, and
 * which (id, index, count, rows listed, rows in all). A 10,000-session snapshot is 20 MB of JSON; the search for the
 * nearest complete one tokenizes it once and builds none of it.
 *
 * @param rows the rows this chunk lists
 */
record ChunkHeader(String snapshotId, String reason, int chunkIndex, int chunkCount, int totalSessions, int rows) {

    /** The header of a snapshot chunk; null for any other event, or for bytes that are not a valid event. */
    static ChunkHeader of(byte[] json) {
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
                    case "sessions" -> rows = countElements(parser, value);
                    default -> parser.skipChildren();
                }
            }
        }
        catch (JacksonException ex) {
            return null;
        }
        if (snapshotId == null || index == null || count == null || total == null || rows < 0) {
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
