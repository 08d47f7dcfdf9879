package io.crewstream.ssegateway.security;

import java.util.Optional;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.StreamTicket;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferUtils;
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
 * long-lived token stays out of every URL. At most {@code tickets.per-minute} per individual subject
 * ({@link RatePerSubject}; a static token is shared, see {@link Viewer#individual()}): one more is a 429
 * {@code too_many_tickets} with {@code Retry-After} (an {@link AccessRefusedException}, answered and counted in
 * {@code crewstream.sse.http.rejected{reason=too_many_tickets}} by the API's error handler). With authentication off
 * a ticket is issued all the same (and ignored by the stream), without a cap, so a page needs one code path.
 * Stateless but for its collaborators; thread-safe.
 */
@RestController
public class StreamTicketController {

    public static final String PATH = "/api/stream-tickets";

    private final StreamTickets tickets;

    private final Viewers viewers;

    private final RatePerSubject rate;

    /** @param rate the tickets per subject per minute ({@code ApiSecurityConfiguration#ticketRate}) */
    public StreamTicketController(StreamTickets tickets, Viewers viewers, RatePerSubject rate) {
        this.tickets = tickets;
        this.viewers = viewers;
        this.rate = rate;
    }

    /**
     * The request's body (there should be none) is read to its end before the answer: with it left unread, Reactor
     * Netty 1.3.6 now and then never read the next request on the kept-alive connection (the request-head timeout
     * closed it 10 s later; reactor-netty#4188 and #4361, fixed after 1.3.6). Browsers reuse connections for these
     * POSTs. {@code KeptAliveTicketRequestsTest} sends hundreds in a row on one connection.
     */
    @PostMapping(PATH)
    public Mono<ResponseEntity<byte[]>> issue(ServerWebExchange exchange) {
        return exchange.getRequest().getBody().doOnNext(DataBufferUtils::release).then(this.viewers.current(exchange))
                .map(this::issue);
    }

    private ResponseEntity<byte[]> issue(Viewer viewer) {
        if (viewer.individual() && this.rate.acquire(viewer.subject()) instanceof RatePerSubject.Refused refused) {
            throw new AccessRefusedException(AuthRefusal.TOO_MANY_TICKETS, "Too many stream tickets asked for in the "
                    + "last minute; retry after the time in Retry-After", Optional.of(refused.retryAfter()));
        }
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                // A credential: no cache may keep it.
                .cacheControl(CacheControl.noStore())
                .body(ContractJson.mapper().writeValueAsBytes(this.tickets.issue(viewer)));
    }
}
