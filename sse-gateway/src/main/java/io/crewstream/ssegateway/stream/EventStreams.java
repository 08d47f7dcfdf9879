package io.crewstream.ssegateway.stream;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.crewstream.ssegateway.SseGatewayProperties;
import io.crewstream.ssegateway.api.ApiErrors;
import io.crewstream.ssegateway.api.InvalidRequestException;
import io.crewstream.ssegateway.state.Position;
import io.crewstream.ssegateway.state.SessionTable;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Opens browser event streams and keeps them alive: heartbeats on silent streams, disconnection of clients that stay
 * behind.
 *
 * <p>Threading: {@link #start()} creates a small writer pool (writes never block, so it serves any number of
 * clients) and one sweeper thread; {@link #stop()} refuses new streams, closes every open one and ends both,
 * waiting for the writer pool (bounded). {@link #open} and {@link #head} run on request threads.
 */
public final class EventStreams implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(EventStreams.class);

    public static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";

    public static final String LAST_EVENT_ID_PARAMETER = "lastEventId";

    private static final String EVENT_STREAM = "text/event-stream";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration MALFORMED_LOG_INTERVAL = Duration.ofMinutes(1);

    private final SessionTable table;

    private final ClientRegistry registry;

    private final StreamMetrics metrics;

    private final SseGatewayProperties properties;

    private final Object lifecycle = new Object();


    /** System.nanoTime() of the last line about a malformed token, 0 before the first. */
    private final AtomicLong malformedLoggedAt = new AtomicLong();

    private volatile boolean running;

    private WriterThreads writer;

    private ScheduledExecutorService sweeper;

    public EventStreams(SessionTable table, ClientRegistry registry, StreamMetrics metrics,
            SseGatewayProperties properties) {
        this.table = table;
        this.registry = registry;
        this.metrics = metrics;
        this.properties = properties;
    }

    @Override
    public void start() {
        synchronized (this.lifecycle) {
            if (this.running) {
                return;
            }
            this.writer = new WriterThreads("sse-writer-", this.properties.writerThreads());
            this.writer.start();
            this.sweeper = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("sse-sweeper-"));
            long tick = sweepIntervalMillis();
            this.sweeper.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
            this.running = true;
        }
    }

    /** Often enough that neither a heartbeat nor a slow-client disconnect is late by more than a quarter. */
    private long sweepIntervalMillis() {
        long shortest = Math.min(this.properties.heartbeat().toMillis(),
                this.properties.slowClientTimeout().toMillis());
        return Math.max(10, Math.min(1000, shortest / 4));
    }

    /**
     * Refuses new streams, closes every open one (streams never end by themselves: closing them lets the web server
     * shut down without waiting), then waits, bounded, for the writer pool to finish what it was doing.
     */
    @Override
    public void stop() {
        WriterThreads writerPool;
        synchronized (this.lifecycle) {
            if (!this.running) {
                return;
            }
            this.running = false;
            this.sweeper.shutdownNow();
            writerPool = this.writer;
        }
        // A stream registering concurrently either is in this snapshot or sees running == false (see open).
        this.registry.snapshot().forEach(ClientStream::close);
        try {
            if (!writerPool.stop(STOP_TIMEOUT)) {
                logger.warn("Writer threads still busy {} after stop; interrupted them", STOP_TIMEOUT);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /** Starts an event stream on this request (see the README for the contract). */
    public void open(HttpServletRequest request, HttpServletResponse response) throws IOException {
        WriterThreads writerPool = acceptingWriter();
        if (writerPool == null) {
            ApiErrors.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Starting up; retry shortly");
            return;
        }
        ClientFilter filter = filterOrAnswer(request, response);
        if (filter == null) {
            return;
        }
        Optional<Position> resumeFrom = resumePosition(request);
        streamHeaders(response);

        AsyncContext async = request.startAsync();
        // Streams end when the client leaves or falls behind, never on a container timer.
        async.setTimeout(0);
        ServletOutputStream out = response.getOutputStream();
        ClientStream client = new ClientStream(async, out, filter, resumeFrom, writerPool, this.metrics,
                this.properties.clientQueueSize(), this.registry::remove, this::refresh);
        boolean streaming = false;
        try {
            async.addListener(client);
            client.greet(this.properties.retry().toMillis());
            List<SseFrame> initial = this.table.atomically(table -> this.registry.register(client, table));
            render(initial);
            if (this.running) {
                out.setWriteListener(client);
                streaming = true;
            }
            // Otherwise stop() ran while this stream registered and may have missed it in its snapshot.
        }
        finally {
            if (!streaming) {
                // Whatever went wrong, a stream that is not writing is not left registered.
                client.close();
            }
        }
    }

    /**
     * {@code HEAD /api/events}: the headers a stream would start with, and nothing else. No client is registered:
     * a HEAD response has no body, so writes to it never fail, and a stream opened for it would never be released.
     */
    public void head(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (acceptingWriter() == null) {
            ApiErrors.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Starting up; retry shortly");
            return;
        }
        if (filterOrAnswer(request, response) != null) {
            streamHeaders(response);
        }
    }

    private WriterThreads acceptingWriter() {
        synchronized (this.lifecycle) {
            return this.running ? this.writer : null;
        }
    }

    /** The client's filter; null after answering 400 for one that cannot be meant. */
    private static ClientFilter filterOrAnswer(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        try {
            return ClientFilter.from(request.getParameterMap());
        }
        catch (InvalidRequestException ex) {
            ApiErrors.write(response, HttpStatus.BAD_REQUEST, ex.getMessage());
            return null;
        }
    }

    /**
     * Where the client resumes from: its {@code Last-Event-ID} header, or the query parameter a page can set. A token
     * this server could not have issued is reported (log line, {@code outcome=malformed} in the resume metric) and
     * answered with the whole state, so the client loses nothing.
     */
    private Optional<Position> resumePosition(HttpServletRequest request) {
        String token = request.getHeader(LAST_EVENT_ID_HEADER);
        if (token == null || token.isBlank()) {
            token = request.getParameter(LAST_EVENT_ID_PARAMETER);
        }
        if (token == null || token.isBlank()) {
            this.metrics.resume(StreamMetrics.ResumeOutcome.NONE);
            return Optional.empty();
        }
        Optional<Position> position = Position.parse(token);
        if (position.isEmpty()) {
            this.metrics.resume(StreamMetrics.ResumeOutcome.MALFORMED);
            long now = System.nanoTime();
            long last = this.malformedLoggedAt.get();
            if ((last == 0 || now - last >= MALFORMED_LOG_INTERVAL.toNanos())
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

    private static void streamHeaders(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(EVENT_STREAM);
        response.setCharacterEncoding("UTF-8");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        // Tells nginx-style proxies not to buffer the stream.
        response.setHeader("X-Accel-Buffering", "no");
    }

    /** On a writer thread, never under the client's monitor: the table lock comes first (see ClientStream). */
    private void refresh(ClientStream client) {
        render(this.table.atomically(table -> this.registry.refresh(client, table)));
    }

    /**
     * Renders frames (a 20 MB refresh takes a while) while holding no lock: rendered lazily by the writer, they would
     * be rendered under the client's monitor, and the table reader, which offers every change to every client under
     * the table lock, would wait for it.
     */
    private static void render(List<SseFrame> frames) {
        frames.forEach(SseFrame::bytes);
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            long heartbeat = this.properties.heartbeat().toNanos();
            long slowAfter = this.properties.slowClientTimeout().toNanos();
            for (ClientStream client : this.registry.snapshot()) {
                client.tick(now, heartbeat, slowAfter);
            }
        }
        catch (RuntimeException ex) {
            // A failing sweep must not cancel the schedule (an exception would).
            logger.error("Heartbeat sweep failed", ex);
        }
    }
}
