package io.crewstream.sim.session;

import java.util.List;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.Json;

/** One page of {@code sessions.list}; {@code rows} are copies owned by the page. */
public record SessionPage(List<ObjectNode> rows, int totalCount, int limitApplied, int offset, long ts) {

    public SessionPage {
        rows = List.copyOf(rows);
    }

    public boolean hasMore() {
        return offset + rows.size() < totalCount;
    }

    /** The {@code sessions.list} result: {@code offset} only when > 0, {@code nextOffset} null on the last page. */
    public ObjectNode toJson(String storePath, ObjectNode defaults) {
        ObjectNode result = Json.object()
                .put("ts", ts)
                .put("path", storePath)
                .put("count", rows.size())
                .put("totalCount", totalCount)
                .put("limitApplied", limitApplied);
        if (offset > 0) {
            result.put("offset", offset);
        }
        if (hasMore()) {
            result.put("nextOffset", offset + rows.size());
        } else {
            result.putNull("nextOffset");
        }
        result.put("hasMore", hasMore());
        result.putArray("owners");
        result.set("defaults", defaults);
        ArrayNode sessions = result.putArray("sessions");
        rows.forEach(sessions::add);
        return result;
    }
}
