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
 * stop when the socket is full and resume when the container calls {@link #onWritePossible()}. A client whose queue
 * overflows (a burst such as a 10,000-session snapshot) drops it and gets the whole state instead, built by its writer
 * once any frame half written is out; a client whose socket stays blocked is disconnected by the sweeper.
 *
 * <p>Frames are written in slices of at most {@value #WRITE_SLICE} bytes, one per {@code isReady()}: what the
 * socket does not take is copied into the container's buffer, so a slice, not a whole 20 MB refresh, is what a slow
 * client can hold there.
 *
 * <p>Threading: frames are offered by the table reader (under the table lock), written by the writer executor or by
 * a container thread, and checked by the heartbeat sweeper. All state is guarded by this object's monitor, which is
 * never held while another lock is taken or while the async context is completed. A refresh is built by the writer
 * executor with the table lock taken first and this monitor second, the reader's order.
 */
final class ClientStream implements WriteListener, AsyncListener {

    private static final Logger logger = LoggerFactory.getLogger(ClientStream.class);

    private static final int WRITE_SLICE = 16 * 1024;

    private static final SseFrame HEARTBEAT = SseFrame.raw("heartbeat", ": heartbeat\n\n");

    private final AsyncContext async;

    private final ServletOutputStream out;

    private final ClientFilter filter;

    private final Optional<Position> resumeFrom;

    private final Executor writer;

    private final StreamMetrics metrics;

    private final int capacity;

    private final Consumer<ClientStream> onClosed;

    private final Consumer<ClientStream> refresher;

    private final LinkedHashMap<String, SseFrame> pending = new LinkedHashMap<>();

    private boolean started;

    private boolean writable;

    private boolean drainScheduled;

    private boolean unflushed;

    private boolean closed;

    /** The queue overflowed: live frames are dropped until the writer replaces the queue with the whole state. */
    private boolean refreshDue;

    /** The frame being written and how much of it is out; null between frames. */
    private SseFrame writing;

    private int writtenOfFrame;

    /** System.nanoTime() when the socket last refused more, 0 while everything pending was written. */
    private long blockedSince;

    private long lastWrite = System.nanoTime();

    ClientStream(AsyncContext async, ServletOutputStream out, ClientFilter filter, Optional<Position> resumeFrom,
            Executor writer, StreamMetrics metrics, int capacity, Consumer<ClientStream> onClosed,
            Consumer<ClientStream> refresher) {
        this.async = async;
        this.out = out;
        this.filter = filter;
        this.resumeFrom = resumeFrom;
        this.writer = writer;
        this.metrics = metrics;
        this.capacity = capacity;
        this.onClosed = onClosed;
        this.refresher = refresher;
    }

    ClientFilter filter() {
        return this.filter;
    }

    Optional<Position> resumeFrom() {
        return this.resumeFrom;
    }

    /** Counts how this client's resume token was answered. */
    void resumed(StreamMetrics.ResumeOutcome outcome) {
        this.metrics.resume(outcome);
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

    /** Queues a live frame; a client whose queue overflows is switched to a refresh (see the class comment). */
    synchronized void offer(SseFrame frame) {
        if (this.closed || !this.started || this.refreshDue) {
            // A due refresh is built later, from the table as it is then: it includes this change.
            return;
        }
        enqueue(frame);
        if (this.pending.size() > this.capacity) {
            this.pending.values().removeIf(pendingFrame -> pendingFrame.type() != null);
            this.refreshDue = true;
            this.metrics.overflowRefresh();
            logger.debug("A client fell more than {} events behind; it gets the whole state instead", this.capacity);
        }
        scheduleDrain();
    }

    /** Replaces the pending events with {@code initial} (the whole state) once a refresh is due. */
    synchronized void refreshWith(List<SseFrame> initial) {
        if (this.closed || !this.refreshDue) {
            return;
        }
        this.pending.values().removeIf(pendingFrame -> pendingFrame.type() != null);
        this.refreshDue = false;
        initial.forEach(this::enqueue);
    }

    private void enqueue(SseFrame frame) {
        SseFrame older = this.pending.put(frame.key(), frame);
        if (older != null) {
            // Moved to the end: events go out in the order of their ids, which is what a resume relies on.
            this.pending.remove(frame.key());
            this.pending.put(frame.key(), SseFrame.conflate(older, frame));
            this.metrics.conflated();
        }
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
                if (this.blockedSince == 0 && this.pending.isEmpty() && this.writing == null && !this.refreshDue
                        && now - this.lastWrite >= heartbeatNanos) {
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
        boolean refresh;
        synchronized (this) {
            // A frame half written is finished first: writePending() schedules the next drain when it is.
            refresh = this.refreshDue && !this.closed && this.writing == null;
        }
        if (refresh) {
            try {
                // Takes the table lock, then this monitor: never called while holding the monitor.
                this.refresher.accept(this);
            }
            catch (RuntimeException | Error ex) {
                // Left as is, the client would drop every event and never be found slow: release it instead.
                logger.error("Could not build the whole state for a client that fell behind; releasing it", ex);
                synchronized (this) {
                    this.closed = true;
                    this.pending.clear();
                    this.drainScheduled = false;
                }
                releaseLater();
                return;
            }
        }
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

    /**
     * Writes until the queue is empty or the socket is full, then flushes. Must hold the monitor. {@code isReady()}
     * is asked before each write, before the flush and once after it: an {@code isReady()} that returns false is what
     * makes the container call {@link #onWritePossible()} once the socket has taken what the flush left behind.
     */
    private void writePending() {
        if (this.closed || !this.writable) {
            return;
        }
        try {
            while (true) {
                if (this.writing == null) {
                    if (this.refreshDue) {
                        // Built on the writer (it needs the table lock); a frame half written was finished first.
                        scheduleDrain();
                        return;
                    }
                    Iterator<SseFrame> next = this.pending.values().iterator();
                    if (!next.hasNext()) {
                        if (this.unflushed) {
                            // A flush, like a write, is allowed only while the stream is ready.
                            if (!ready()) {
                                return;
                            }
                            this.unflushed = false;
                            this.out.flush();
                            // Bytes the flush left in Tomcat's buffer go out only after an isReady() that said no.
                            if (!ready()) {
                                return;
                            }
                        }
                        this.blockedSince = 0;
                        return;
                    }
                    this.writing = next.next();
                    this.writtenOfFrame = 0;
                    next.remove();
                }
                if (!ready()) {
                    return;
                }
                byte[] bytes = this.writing.bytes();
                int slice = Math.min(WRITE_SLICE, bytes.length - this.writtenOfFrame);
                this.out.write(bytes, this.writtenOfFrame, slice);
                this.writtenOfFrame += slice;
                this.unflushed = true;
                this.lastWrite = System.nanoTime();
                if (this.writtenOfFrame == bytes.length) {
                    this.metrics.written(this.writing, System.currentTimeMillis());
                    this.writing = null;
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            logger.debug("Client stream failed on write; releasing it", ex);
            this.closed = true;
            this.pending.clear();
            this.writing = null;
            releaseLater();
        }
    }

    /** Whether the stream takes a write or flush now; if not, the container calls onWritePossible() later. */
    private boolean ready() {
        if (this.out.isReady()) {
            return true;
        }
        if (this.blockedSince == 0) {
            this.blockedSince = System.nanoTime() | 1;
        }
        return false;
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
            // Shutting down: EventStreams.stop() closes and releases every registered stream itself, and completing
            // the async context here could happen under this monitor (see the class comment).
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
