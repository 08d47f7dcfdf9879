package io.crewstream.ssegateway.stream;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.ssegateway.SseGatewayProperties;
import io.crewstream.ssegateway.api.ApiErrors;
import io.crewstream.ssegateway.api.InvalidRequestException;
import io.crewstream.ssegateway.api.QueryParameters;
import io.crewstream.ssegateway.security.AccessRefusedException;
import io.crewstream.ssegateway.security.Viewer;
import io.crewstream.ssegateway.state.Position;
import io.crewstream.ssegateway.state.SessionTable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.server.ServerWebExchange;

/**
 * Opens browser event streams. The request is answered through WebFlux up to the first bytes (status, headers, the
 * {@code retry:} greeting), so that everything in front of it (firewall, authentication, CORS, security headers)
 * applies as to any other route; from then on the stream belongs to its connection's Netty channel and event loop
 * ({@link ClientStream}), and events are written to the channel directly, as retained duplicates of buffers encoded
 * once. The request's publisher completes when the connection closes.
 *
 * <p>Threading: {@link #open} and {@link #head} run on event loops and never wait on the table: registering a stream
 * (which takes the table's lock, and may render a 20 MB refresh) and building the whole state for a client that fell
 * behind run on one "table work" thread, started by {@link #start()}. {@link #stop()} refuses new streams, closes
 * every open one and ends that thread (bounded wait).
 *
 * <p>Limits: a viewer already holding as many streams as {@code auth.max-streams-per-subject} allows is refused with
 * 429 {@code too_many_streams} before the stream's first bytes ({@link StreamsPerSubject}).
 */
public final class EventStreams implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(EventStreams.class);

    public static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";

    public static final String LAST_EVENT_ID_PARAMETER = "lastEventId";

    private static final MediaType EVENT_STREAM = new MediaType("text", "event-stream", StandardCharsets.UTF_8);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration MALFORMED_LOG_INTERVAL = Duration.ofMinutes(1);

    private static final String WRITABILITY_HANDLER = "crewstream.sse.writability";

    private final SessionTable table;

    private final ClientRegistry registry;

    private final StreamMetrics metrics;

    private final SseGatewayProperties properties;

    private final Clock clock;

    private final StreamsPerSubject streamsPerSubject;

    private final Object lifecycle = new Object();

    /** Clock millis of the last line about a malformed token, 0 before the first. */
    private final AtomicLong malformedLoggedAt = new AtomicLong();

    private volatile boolean running;

    private ExecutorService tableWork;

    public EventStreams(SessionTable table, ClientRegistry registry, StreamMetrics metrics,
            SseGatewayProperties properties, Clock clock, StreamsPerSubject streamsPerSubject) {
        this.table = table;
        this.registry = registry;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
        this.streamsPerSubject = streamsPerSubject;
    }

    @Override
    public void start() {
        synchronized (this.lifecycle) {
            if (this.running) {
                return;
            }
            this.tableWork = Executors.newSingleThreadExecutor(new CustomizableThreadFactory("sse-table-work-"));
            this.running = true;
        }
    }

    /**
     * Refuses new streams and closes every open one (streams never end by themselves: closing them lets the web
     * server shut down without waiting), then waits, bounded, for the table work in progress.
     */
    @Override
    public void stop() {
        ExecutorService work;
        synchronized (this.lifecycle) {
            if (!this.running) {
                return;
            }
            this.running = false;
            work = this.tableWork;
        }
        work.shutdown();
        this.registry.closeAll();
        try {
            if (!work.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("Stream table work still busy {} after stop; interrupted it", STOP_TIMEOUT);
                work.shutdownNow();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        // Once more: a registration the work thread finished meanwhile (it checks running first, but may have passed
        // that check just before stop).
        this.registry.closeAll();
        this.registry.stop();
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /**
     * {@code GET /api/events}: starts an event stream on this exchange for {@code viewer} (see the README for the
     * contract), narrowed to the gateways the viewer may see (its filter carries the scope: the refresh, the live
     * changes and a resume's replay alike). A {@code ?connection=} outside the scope is refused with 403
     * {@code out_of_scope} before anything is written. The stream ends with {@code auth-expired} when the viewer's
     * access does.
     */
    public Mono<Void> open(ServerWebExchange exchange, Viewer viewer) {
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpResponse response = exchange.getResponse();
        if (!this.running) {
            return ApiErrors.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Starting up; retry shortly");
        }
        ClientFilter filter;
        try {
            filter = ClientFilter.from(QueryParameters.all(request), viewer.scope());
        }
        catch (InvalidRequestException ex) {
            return ApiErrors.write(response, HttpStatus.BAD_REQUEST, ex.getMessage());
        }
        catch (AccessRefusedException ex) {
            // Answered (and counted) where every refusal of a caller is: ApiErrorHandler.
            return Mono.error(ex);
        }
        Optional<Position> resumeFrom = resumePosition(request);
        Connection connection = connectionOf(response);
        // Last before the first bytes: the stream counts from here until its channel closes.
        if (!this.streamsPerSubject.admit(viewer, connection.channel())) {
            // Answered (and counted) where every refusal of a caller is: ApiErrorHandler.
            return Mono.error(new AccessRefusedException(AuthRefusal.TOO_MANY_STREAMS, "Too many open event streams "
                    + "for this caller; close one (another tab, another page) and retry"));
        }
        streamHeaders(response);
        byte[] greeting = ("retry: " + this.properties.retry().toMillis() + "\n: connected\n\n")
                .getBytes(StandardCharsets.UTF_8);
        DataBuffer first = response.bufferFactory().wrap(greeting);
        // The first bytes go out through WebFlux, which commits the headers (security headers included) with them.
        return response.writeAndFlushWith(Mono.just(Mono.just(first)))
                .then(Mono.defer(() -> stream(connection, filter, resumeFrom, viewer)));
    }

    /**
     * {@code HEAD /api/events}: the headers a stream would start with, and nothing else. No client is registered: a
     * HEAD response has no body, and a stream opened for it would never be read.
     */
    public Mono<Void> head(ServerWebExchange exchange, Viewer viewer) {
        ServerHttpResponse response = exchange.getResponse();
        if (!this.running) {
            return ApiErrors.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Starting up; retry shortly");
        }
        try {
            ClientFilter.from(QueryParameters.all(exchange.getRequest()), viewer.scope());
        }
        catch (InvalidRequestException ex) {
            return ApiErrors.write(response, HttpStatus.BAD_REQUEST, ex.getMessage());
        }
        catch (AccessRefusedException ex) {
            return Mono.error(ex);
        }
        streamHeaders(response);
        return response.setComplete();
    }

    /** Hands the connection to a {@link ClientStream}; completes when the connection closes. */
    private Mono<Void> stream(Connection connection, ClientFilter filter, Optional<Position> resumeFrom,
            Viewer viewer) {
        Channel channel = connection.channel();
        long accessEndsAt = viewer.expiresAt().map(Instant::toEpochMilli).orElse(ClientStream.NEVER);
        ClientStream client = new ClientStream(channel, filter, resumeFrom, this.metrics,
                this.properties.clientQueueSize(), this.clock, this::refresh, accessEndsAt);
        connection.addHandlerLast(WRITABILITY_HANDLER, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext context) {
                if (context.channel().isWritable()) {
                    client.writable();
                }
                context.fireChannelWritabilityChanged();
            }
        });
        // Released the moment the socket closes, on the stream's loop: not at the next heartbeat.
        channel.closeFuture().addListener(closed -> this.registry.remove(client));
        Mono<Void> whenClosed = Mono.create(sink -> channel.closeFuture().addListener(closed -> sink.success()));
        if (!submit(() -> join(client))) {
            channel.close();
        }
        return whenClosed;
    }

    /**
     * On the table work thread: registers the client under the table's lock, then renders its initial content
     * outside it and hands it over (the client holds the live changes of the meantime).
     */
    private void join(ClientStream client) {
        try {
            if (!this.running) {
                // Stopped while this waited its turn: stop() may have closed every stream before this one existed.
                client.channel().close();
                return;
            }
            List<SseFrame> initial = this.table.atomically(table -> this.registry.register(client, table));
            if (initial != null) {
                render(initial);
                this.registry.start(client, initial);
            }
        }
        catch (RuntimeException ex) {
            logger.error("Could not build a new stream's initial state; closing it (the client reconnects)", ex);
            client.channel().close();
        }
        catch (Error ex) {
            client.channel().close();
            throw ex;
        }
    }

    /**
     * Called on the client's loop when its queue overflowed: the whole state is built on the table work thread
     * under the table's lock, rendered outside it and handed over.
     */
    private void refresh(ClientStream client) {
        boolean submitted = submit(() -> {
            try {
                List<SseFrame> frames = this.table.atomically(table -> this.registry.refresh(client, table));
                render(frames);
                this.registry.refreshWith(client, frames);
            }
            catch (RuntimeException ex) {
                logger.error("Could not build the whole state for a client that fell behind; closing its stream",
                        ex);
                this.registry.contentFailed(client);
            }
            catch (Error ex) {
                this.registry.contentFailed(client);
                throw ex;
            }
        });
        if (!submitted) {
            this.registry.contentFailed(client);
        }
    }

    private boolean submit(Runnable work) {
        ExecutorService executor;
        synchronized (this.lifecycle) {
            executor = this.running ? this.tableWork : null;
        }
        if (executor == null) {
            return false;
        }
        try {
            executor.execute(work);
            return true;
        }
        catch (RejectedExecutionException ex) {
            // Stopping: the stream is being closed anyway.
            return false;
        }
    }

    /**
     * Renders frames (a 20 MB refresh takes a while) on the table work thread, holding no lock, before they are
     * handed to a loop: left to the event loops, the first of them to write the frame would render it, and every
     * stream it owns would wait.
     */
    private static void render(List<SseFrame> frames) {
        frames.forEach(SseFrame::render);
    }

    private static Connection connectionOf(ServerHttpResponse response) {
        Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        if (nativeResponse instanceof Connection connection) {
            return connection;
        }
        throw new IllegalStateException("Event streams need Reactor Netty; the response is a "
                + nativeResponse.getClass().getName());
    }

    /**
     * Where the client resumes from: its {@code Last-Event-ID} header, or the query parameter a page can set. A token
     * this server could not have issued is reported (log line, {@code outcome=malformed} in the resume metric) and
     * answered with the whole state, so the client loses nothing.
     */
    private Optional<Position> resumePosition(ServerHttpRequest request) {
        String token = request.getHeaders().getFirst(LAST_EVENT_ID_HEADER);
        if (token == null || token.isBlank()) {
            token = request.getQueryParams().getFirst(LAST_EVENT_ID_PARAMETER);
        }
        if (token == null || token.isBlank()) {
            this.metrics.resume(StreamMetrics.ResumeOutcome.NONE);
            return Optional.empty();
        }
        Optional<Position> position = Position.parse(token);
        if (position.isEmpty()) {
            this.metrics.resume(StreamMetrics.ResumeOutcome.MALFORMED);
            long now = this.clock.millis();
            long last = this.malformedLoggedAt.get();
            if ((last == 0 || now - last >= MALFORMED_LOG_INTERVAL.toMillis())
                    && this.malformedLoggedAt.compareAndSet(last, now | 1)) {
                // The token is the client's text: its length, not its content, goes to the log. At most a line a
                // minute: a misbehaving client reconnecting in a loop must not flood it.
                logger.info("A client sent a resume token this server could not have issued ({} characters; how many "
                        + "such tokens: crewstream.sse.resumes{outcome=malformed}); it gets the whole state",
                        token.length());
            }
        }
        return position;
    }

    private static void streamHeaders(ServerHttpResponse response) {
        response.setStatusCode(HttpStatus.OK);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(EVENT_STREAM);
        headers.setCacheControl("no-cache");
        // Tells nginx-style proxies not to buffer the stream.
        headers.set("X-Accel-Buffering", "no");
    }
}
