package io.crewstream.schemas.sse;

import java.util.List;

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
 * @param gateways the gateway connection ids the stream it opens may show, or {@value #EVERY_GATEWAY} alone for all.
 *     A page that resumes with a ticket of another scope than its last stream's (a renewed token whose scope
 *     changed) must not resume with its last id: the resume would bring the changes since then, not the existing
 *     sessions of a gateway it may see now; it reopens without one and gets the whole state
 */
public record StreamTicket(String ticket, long expiresAt, Long accessExpiresAt, List<String> gateways) {

    /** The scope value that stands for every gateway, as a token's scope claim spells it. */
    public static final String EVERY_GATEWAY = "*";

    private static final String RECORD = "StreamTicket";

    public StreamTicket {
        Require.text(ticket, RECORD, "ticket");
        Require.present(gateways, RECORD, "gateways");
        gateways = List.copyOf(gateways);
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
