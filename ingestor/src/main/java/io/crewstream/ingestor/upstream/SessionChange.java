package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one {@code sessions.changed} payload means for the ingestor: publish a single-session record, or re-list
 * everything. Per the protocol: keyed with a {@code session} row → upsert; keyed {@code reason:"delete"} → removal;
 * keyless, or keyed non-delete without a usable row → reload.
 */
sealed interface SessionChange {

    static final String DELETE = "delete";

    /** A single-session record to publish. */
    record Publish(SessionEvent event) implements SessionChange {
    }

    /**
     * The list must be fetched again; {@code why} is for the log.
     *
     * @param keylessDelete a keyless change with reason {@code delete}: the gateway sends one right after each keyed
     *     delete, so one that directly follows a keyed delete says nothing new
     */
    record Reload(String why, boolean keylessDelete) implements SessionChange {

        Reload(String why) {
            this(why, false);
        }
    }

    /** A published row takes over its node of {@code payload}, which the caller must not change afterwards. */
    static SessionChange of(String connectionId, JsonNode payload, Long seq, long receivedAt) {
        String sessionKey = text(payload.get("sessionKey"));
        String reason = text(payload.get("reason"));
        if (sessionKey == null) {
            return new Reload("keyless change (" + reason + ")", DELETE.equals(reason));
        }
        if (DELETE.equals(reason)) {
            return new Publish(SessionRemoved.of(connectionId, sessionKey, reason, seq, receivedAt));
        }
        JsonNode session = payload.get("session");
        if (session == null || !session.isObject()) {
            return new Reload("change of '" + sessionKey + "' without a row");
        }
        SessionRow row;
        try {
            // No copy: the frame was parsed for this and is dropped after.
            row = SessionRow.adopt((ObjectNode) session);
        }
        catch (ContractViolationException ex) {
            return new Reload("change of '" + sessionKey + "' with an unusable row: " + ex.getMessage());
        }
        if (!row.key().equals(sessionKey)) {
            return new Reload("change of '" + sessionKey + "' carrying the row of '" + row.key() + "'");
        }
        return new Publish(SessionUpserted.of(connectionId, reason, seq, receivedAt, row));
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() && !node.asString().isEmpty() ? node.asString() : null;
    }
}
