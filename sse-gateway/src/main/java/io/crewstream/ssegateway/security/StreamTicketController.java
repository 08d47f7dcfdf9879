package io.crewstream.ssegateway.security;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.StreamTicket;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /api/stream-tickets}: an authenticated caller (header or cookie) exchanges its credentials for a
 * {@link StreamTicket}, which opens one event stream as {@code GET /api/events?ticket=...} within seconds. The
 * long-lived token stays out of every URL. With authentication off a ticket is issued all the same (and ignored by
 * the stream), so a page needs one code path.
 */
@RestController
public class StreamTicketController {

    public static final String PATH = "/api/stream-tickets";

    private final StreamTickets tickets;

    private final Viewers viewers;

    public StreamTicketController(StreamTickets tickets, Viewers viewers) {
        this.tickets = tickets;
        this.viewers = viewers;
    }

    @PostMapping(PATH)
    public Mono<ResponseEntity<byte[]>> issue(ServerWebExchange exchange) {
        return this.viewers.current(exchange).map(viewer -> ResponseEntity.status(HttpStatus.CREATED)
                .contentType(MediaType.APPLICATION_JSON)
                // A credential: no cache may keep it.
                .cacheControl(CacheControl.noStore())
                .body(ContractJson.mapper().writeValueAsBytes(this.tickets.issue(viewer))));
    }
}
