package io.crewstream.schemas.sse;

import io.crewstream.schemas.Require;

/**
 * The body of {@code POST /api/stream-tickets}: a short-lived, single-use credential for opening one event stream
 * as {@code GET /api/events?ticket=...}. A browser's EventSource cannot send an {@code Authorization} header; a
 * ticket lets it authenticate without the long-lived token ever appearing in a URL, a browser history or an access
 * log. The stream it opens carries the caller's identity and gateway scope, and ends with {@code auth-expired} when
 * the caller's access ends ({@link #accessExpiresAt}).
 *
 * @param ticket the ticket; opaque to clients
 * @param expiresAt epoch ms after which the ticket no longer opens a stream
 * @param accessExpiresAt epoch ms at which the access behind it (the token) expires; null when it never does (a
 *     static token)
 */
public record StreamTicket(String ticket, long expiresAt, Long accessExpiresAt) {

    private static final String RECORD = "StreamTicket";

    public StreamTicket {
        Require.text(ticket, RECORD, "ticket");
        Require.notNegative(expiresAt, RECORD, "expiresAt");
        if (accessExpiresAt != null) {
            Require.notNegative(accessExpiresAt, RECORD, "accessExpiresAt");
        }
    }

    @Override
    public String toString() {
        // A ticket is a credential for as long as it lives: never part of a log line.
        return "StreamTicket[expiresAt=" + this.expiresAt + ", accessExpiresAt=" + this.accessExpiresAt + "]";
    }
}
