package io.crewstream.ingestor.upstream;

import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.records.SessionRow;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One page of a {@code sessions.list} result.
 *
 * @param rejectedRows rows without a usable {@code key}, which cannot be tracked; reported by the caller
 * @param nextOffset where the next page starts; null on the last page
 */
record SessionsPage(List<SessionRow> rows, List<String> rejectedRows, boolean hasMore, Long nextOffset) {

    /** The rows take over their nodes of {@code listResult}, which the caller must not change afterwards. */
    static SessionsPage from(JsonNode listResult) throws MalformedFrameException {
        JsonNode sessions = listResult.get("sessions");
        if (sessions == null || !sessions.isArray()) {
            throw new MalformedFrameException("sessions.list result without a 'sessions' array");
        }
        List<SessionRow> rows = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (JsonNode row : sessions) {
            if (!row.isObject()) {
                rejected.add("row is not an object");
                continue;
            }
            try {
                // No copy: the frame was parsed for this and is dropped after; a copy doubled the cost of a listing.
                rows.add(SessionRow.adopt((ObjectNode) row));
            }
            catch (ContractViolationException ex) {
                rejected.add(ex.getMessage());
            }
        }
        boolean hasMore = listResult.path("hasMore").asBoolean(false);
        JsonNode next = listResult.get("nextOffset");
        Long nextOffset = next != null && next.isIntegralNumber() ? next.asLong() : null;
        if (hasMore && nextOffset == null) {
            throw new MalformedFrameException("sessions.list result says hasMore but has no nextOffset");
        }
        return new SessionsPage(List.copyOf(rows), List.copyOf(rejected), hasMore, nextOffset);
    }
}
