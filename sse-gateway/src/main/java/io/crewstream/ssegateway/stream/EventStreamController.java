package io.crewstream.ssegateway.stream;

import io.crewstream.ssegateway.security.Viewers;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/** {@code GET /api/events} (and {@code HEAD}, headers only): see {@link EventStreams}. */
@RestController
public class EventStreamController {

    public static final String PATH = "/api/events";

    private final EventStreams streams;

    private final Viewers viewers;

    public EventStreamController(EventStreams streams, Viewers viewers) {
        this.streams = streams;
        this.viewers = viewers;
    }

    @GetMapping(PATH)
    public Mono<Void> open(ServerWebExchange exchange) {
        return this.viewers.current(exchange).flatMap(viewer -> this.streams.open(exchange, viewer));
    }

    /** Headers only; never the GET mapping, which would open a stream nobody reads. */
    @RequestMapping(path = PATH, method = RequestMethod.HEAD)
    public Mono<Void> head(ServerWebExchange exchange) {
        return this.viewers.current(exchange).flatMap(viewer -> this.streams.head(exchange, viewer));
    }
}
