package io.crewstream.ssegateway.api;

import java.util.List;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.AgentsRefresh;
import io.crewstream.schemas.sse.GatewayStatus;
import io.crewstream.ssegateway.security.Viewer;
import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.stream.ClientFilter;
import io.crewstream.ssegateway.stream.Frames;
import io.crewstream.ssegateway.stream.RefreshCache;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/sessions} (the whole state with its position, the same shape as {@code sessions-refresh}),
 * {@code GET /api/agents} (CrewHub's {@code {agents: [...]}}, the same shape as {@code agents-refresh}) and
 * {@code GET /api/gateways}. All accept {@code ?connection=} and {@code ?agent=}. Bodies are written with the
 * contract's JSON mapping, not Spring's, so that they are byte-for-byte what the stream sends. 503 until the table
 * is loaded: a half-read table is never served. A filter value that cannot be meant is a 400 ({@link ClientFilter}).
 * Each answers only what the caller's {@link Viewer} may see: the gateways of its scope, their sessions and agents;
 * a {@code ?connection=} outside the scope is a 403 {@code out_of_scope}. Blocking (the table's lock): runs on the
 * handler pool ({@link BlockingHandlers}), the viewer resolved before ({@link ViewerArguments}).
 */
@RestController
public class SessionsController {

    private final SessionTable table;

    private final RefreshCache refreshCache;

    public SessionsController(SessionTable table, RefreshCache refreshCache) {
        this.table = table;
        this.refreshCache = refreshCache;
    }

    @GetMapping("/api/sessions")
    public ResponseEntity<byte[]> sessions(ServerHttpRequest request, Viewer viewer) {
        RefreshCache.Rendered refresh = refresh(request, viewer);
        // Rendered outside the table's lock, once per table position: the same bytes the stream's refresh carries.
        return (refresh != null) ? json(refresh.json()) : loading();
    }

    @GetMapping("/api/agents")
    public ResponseEntity<byte[]> agents(ServerHttpRequest request, Viewer viewer) {
        ClientFilter filter = filter(request, viewer);
        // The agents alone (the stream's agents-refresh is made by the same Frames.agents): building the whole
        // session refresh for a 30 s agents poll would cost O(sessions) under the table's lock.
        AgentsRefresh agents = this.table.atomically(table -> table.loaded() ? Frames.agents(table, filter) : null);
        return (agents != null) ? json(agents) : loading();
    }

    /** The initial state for the request's filter at the table's position; null while the table loads. */
    private RefreshCache.Rendered refresh(ServerHttpRequest request, Viewer viewer) {
        ClientFilter filter = filter(request, viewer);
        return this.table.atomically(table -> table.loaded() ? this.refreshCache.of(table, filter) : null);
    }

    @GetMapping("/api/gateways")
    public ResponseEntity<byte[]> gateways(ServerHttpRequest request, Viewer viewer) {
        ClientFilter filter = filter(request, viewer);
        List<GatewayStatus> gateways = this.table
                .atomically(table -> table.loaded() ? Frames.gateways(table, filter) : null);
        return (gateways != null) ? json(gateways) : loading();
    }

    /** The request's filter within the viewer's scope; a gateway named outside it is a 403 ({@link ClientFilter}). */
    private static ClientFilter filter(ServerHttpRequest request, Viewer viewer) {
        return ClientFilter.from(QueryParameters.all(request), viewer.scope());
    }

    private static ResponseEntity<byte[]> json(Object body) {
        return json(ContractJson.mapper().writeValueAsBytes(body));
    }

    private static ResponseEntity<byte[]> json(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    private static ResponseEntity<byte[]> loading() {
        return ApiErrors.entity(HttpStatus.SERVICE_UNAVAILABLE, "loading the table; retry shortly");
    }
}
