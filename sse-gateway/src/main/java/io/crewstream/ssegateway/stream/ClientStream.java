package io.crewstream.ssegateway.stream;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import io.crewstream.ssegateway.state.Position;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's event stream: a bounded queue of pending frames, conflated by key, written to the socket with
 * non-blocking servlet I/O. A client that cannot keep up costs memory bounded by its queue and no thread: writes
 * stop when the socket is full and resume when the container calls {@link #onWritePossible()}.
 *
 * <p>Threading: frames are offered by the table reader (under the table lock), written by the writer executor or by
 * a container thread, and checked by the heartbeat sweeper. All state is guarded by this object's monitor, which is
 * never held while another lock is taken or while the async context is completed.
 */
final class ClientStream implements WriteListener, AsyncListener {

    private static final Logger logger = LoggerFactory.getLogger(ClientStream.class);

    private static final SseFrame HEARTBEAT = SseFrame.raw("heartbeat", ": heartbeat\n\n");

    private final AsyncContext async;

    private final ServletOutputStream out;

    private final ClientFilter filter;

    private final Optional<Position> resumeFrom;

    private final Executor writer;

    private final StreamMetrics metrics;

    private final int capacity;

    private final Consumer<ClientStream> onClosed;

    private final LinkedHashMap<String, SseFrame> pending = new LinkedHashMap<>();

    private boolean started;

    private boolean writable;

    private boolean drainScheduled;

    private boolean unflushed;

    private boolean closed;

    /** System.nanoTime() when the socket last refused more, 0 while everything pending was written. */
    private long blockedSince;

    private long lastWrite = System.nanoTime();

    ClientStream(AsyncContext async, ServletOutputStream out, ClientFilter filter, Optional<Position> resumeFrom,
            Executor writer, StreamMetrics metrics, int capacity, Consumer<ClientStream> onClosed) {
        this.async = async;
        this.out = out;
        this.filter = filter;
        this.resumeFrom = resumeFrom;
        this.writer = writer;
        this.metrics = metrics;
        this.capacity = capacity;
        this.onClosed = onClosed;
    }

    ClientFilter filter() {
        return this.filter;
    }

    Optional<Position> resumeFrom() {
        return this.resumeFrom;
    }

    /** Queues the first bytes of the stream (a {@code retry:} hint), so the client sees the response at once. */
    synchronized void greet(long retryMillis) {
        this.pending.put("greeting", SseFrame.raw("greeting", "retry: " + retryMillis + "\n: connected\n\n"));
    }

    synchronized boolean started() {
        return this.started;
    }

    /** Queues the initial frames (a refresh, or the changes since the resume position); later frames follow. */
    synchronized void start(List<SseFrame> initial) {
        if (this.closed || this.started) {
            return;
        }
        this.started = true;
        // The initial content is not held to the queue bound: the caller sized it, and it is what a client needs.
        initial.forEach(this::enqueue);
        scheduleDrain();
    }

    /** Queues a live frame; a client whose queue overflows is disconnected (it resumes from its last id). */
    void offer(SseFrame frame) {
        synchronized (this) {
            if (this.closed || !this.started) {
                return;
            }
            enqueue(frame);
            if (this.pending.size() <= this.capacity) {
                scheduleDrain();
                return;
            }
        }
        disconnectSlow("more than " + this.capacity + " events pending");
    }

    private void enqueue(SseFrame frame) {
        SseFrame older = this.pending.remove(frame.key());
        if (older != null) {
            frame = SseFrame.conflate(older, frame);
            this.metrics.conflated();
        }
        this.pending.put(frame.key(), frame);
    }

    /**
     * Called periodically: queues a heartbeat on a silent stream, disconnects a client whose socket has refused data
     * for longer than {@code slowAfterNanos}.
     */
    void tick(long now, long heartbeatNanos, long slowAfterNanos) {
        synchronized (this) {
            if (this.closed) {
                return;
            }
            if (this.blockedSince == 0 || now - this.blockedSince <= slowAfterNanos) {
                if (this.blockedSince == 0 && this.pending.isEmpty() && now - this.lastWrite >= heartbeatNanos) {
                    this.pending.put(HEARTBEAT.key(), HEARTBEAT);
                    scheduleDrain();
                }
                return;
            }
        }
        disconnectSlow("socket blocked for longer than the slow-client timeout");
    }

    private void disconnectSlow(String reason) {
        synchronized (this) {
            if (this.closed) {
                return;
            }
            this.closed = true;
            this.pending.clear();
        }
        this.metrics.slowDisconnect();
        logger.info("Disconnecting a slow client ({}); it resumes from its last event id", reason);
        releaseLater();
    }

    private void scheduleDrain() {
        if (this.drainScheduled || !this.writable) {
            return;
        }
        this.drainScheduled = true;
        try {
            this.writer.execute(this::drain);
        }
        catch (RejectedExecutionException ex) {
            // Shutting down: the stream is being closed anyway.
            this.drainScheduled = false;
        }
    }

    private void drain() {
        synchronized (this) {
            this.drainScheduled = false;
            writePending();
        }
    }

    @Override
    public void onWritePossible() {
        synchronized (this) {
            this.writable = true;
            writePending();
        }
    }

    /** Writes until the queue is empty or the socket is full. Must hold the monitor. */
    private void writePending() {
        if (this.closed || !this.writable) {
            return;
        }
        try {
            while (true) {
                if (!this.out.isReady()) {
                    // The container calls onWritePossible() once the socket takes more.
                    if (this.blockedSince == 0) {
                        this.blockedSince = System.nanoTime() | 1;
                    }
                    return;
                }
                Iterator<SseFrame> next = this.pending.values().iterator();
                if (!next.hasNext()) {
                    if (this.unflushed) {
                        this.unflushed = false;
                        this.out.flush();
                        continue;
                    }
                    this.blockedSince = 0;
                    return;
                }
                SseFrame frame = next.next();
                next.remove();
                this.out.write(frame.bytes());
                this.unflushed = true;
                this.lastWrite = System.nanoTime();
                this.metrics.written(frame, System.currentTimeMillis());
            }
        }
        catch (IOException | RuntimeException ex) {
            logger.debug("Client stream failed on write; releasing it", ex);
            this.closed = true;
            this.pending.clear();
            releaseLater();
        }
    }

    /** Ends the stream and releases the client; safe to call more than once, from any thread. */
    void close() {
        synchronized (this) {
            this.closed = true;
            this.pending.clear();
        }
        release();
    }

    /**
     * Releases on a writer thread: callers hold this monitor or the table lock, and completing the async context
     * must not happen under either (see the class comment).
     */
    private void releaseLater() {
        try {
            this.writer.execute(this::release);
        }
        catch (RejectedExecutionException ex) {
            // Shutting down: no writer left, and nothing else is waiting for this thread.
            release();
        }
    }

    private void release() {
        this.onClosed.accept(this);
        try {
            this.async.complete();
        }
        catch (IllegalStateException ex) {
            // Already completed by the container (client gone) or by an earlier release.
        }
    }

    @Override
    public void onError(Throwable failure) {
        logger.debug("Client stream failed; releasing it", failure);
        close();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        onError(event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Never restarted.
    }
}
