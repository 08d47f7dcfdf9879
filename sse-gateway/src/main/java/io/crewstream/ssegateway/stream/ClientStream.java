package io.crewstream.ssegateway.stream;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.crewstream.ssegateway.state.Position;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's event stream on its connection's Netty channel: a bounded map of pending frames, conflated by key,
 * written to the channel while it is writable. A client that cannot keep up costs memory bounded by its queue and no
 * thread: while the channel is above its high water mark, frames wait here (and conflate); when it drains,
 * {@link #flush()} goes on. A client whose queue overflows (a burst such as a 10,000-session snapshot) drops it and
 * gets the whole state instead; one whose channel stays unwritable past the slow-client timeout is closed and resumes
 * with its last id.
 *
 * <p>Threading: owned by its channel's event loop ({@link #loop()}). Every method but the accessors of immutable
 * fields runs on that loop, so nothing here is locked. Others reach a stream by posting to its loop
 * ({@link LoopStreams#post}); the table work a refresh needs is handed off through {@code refresher}, never done on the
 * loop.
 */
final class ClientStream {

    private static final Logger logger = LoggerFactory.getLogger(ClientStream.class);

    private static final SseFrame HEARTBEAT = SseFrame.raw("heartbeat", ": heartbeat\n\n");

    /** Where a stream is in its life; each phase says which frames it takes. */
    enum Phase {
        /** Registered, waiting for its initial content (the table may still be loading): takes no live frame. */
        JOINING,
        /** Has its initial content; takes every live frame its filter accepts. */
        LIVE,
        /** Its queue overflowed: drops live frames until the whole state, built off the loop, replaces the queue. */
        REFRESH_DUE,
        /** Ended: takes nothing. */
        CLOSED
    }

    private final Channel channel;

    private final ClientFilter filter;

    private final Optional<Position> resumeFrom;

    private final StreamMetrics metrics;

    private final int capacity;

    private final Clock clock;

    private final Consumer<ClientStream> refresher;

    private final LinkedHashMap<String, SseFrame> pending = new LinkedHashMap<>();

    private Phase phase = Phase.JOINING;

    private static final long NOT_BLOCKED = Long.MIN_VALUE;

    /** Clock millis when the channel was first seen unwritable, {@link #NOT_BLOCKED} while it is writable. */
    private long blockedSince = NOT_BLOCKED;

    private long lastWrite;

    /**
     * @param refresher asked, on the loop, for the whole state once the queue overflowed; it answers later through
     *     {@link #refreshWith} on the loop
     */
    ClientStream(Channel channel, ClientFilter filter, Optional<Position> resumeFrom, StreamMetrics metrics,
            int capacity, Clock clock, Consumer<ClientStream> refresher) {
        this.channel = channel;
        this.filter = filter;
        this.resumeFrom = resumeFrom;
        this.metrics = metrics;
        this.capacity = capacity;
        this.clock = clock;
        this.refresher = refresher;
        // The greeting went out just before the stream was made.
        this.lastWrite = clock.millis();
    }

    ClientFilter filter() {
        return this.filter;
    }

    Optional<Position> resumeFrom() {
        return this.resumeFrom;
    }

    EventLoop loop() {
        return this.channel.eventLoop();
    }

    Channel channel() {
        return this.channel;
    }

    /** Counts how this client's resume token was answered; any thread. */
    void resumed(StreamMetrics.ResumeOutcome outcome) {
        this.metrics.resume(outcome);
    }

    Phase phase() {
        return this.phase;
    }

    /** Queues the initial frames (a refresh, or the changes since the resume position); live frames follow. */
    void start(List<SseFrame> initial) {
        if (this.phase != Phase.JOINING) {
            return;
        }
        this.phase = Phase.LIVE;
        // The initial content is not held to the queue bound: the caller sized it, and it is what a client needs.
        initial.forEach(this::enqueue);
    }

    /** Queues a live frame; a client whose queue overflows is switched to a refresh (see the class comment). */
    void offer(SseFrame frame) {
        if (this.phase != Phase.LIVE) {
            // While a refresh is due, it is built later from the table as it is then: it includes this change.
            return;
        }
        enqueue(frame);
        if (this.pending.size() > this.capacity) {
            this.pending.values().removeIf(pendingFrame -> pendingFrame.type() != null);
            this.phase = Phase.REFRESH_DUE;
            this.metrics.overflowRefresh();
            logger.debug("A client fell more than {} events behind; it gets the whole state instead", this.capacity);
            this.refresher.accept(this);
        }
    }

    /** Replaces the pending events with {@code initial} (the whole state) once a refresh is due. */
    void refreshWith(List<SseFrame> initial) {
        if (this.phase != Phase.REFRESH_DUE) {
            return;
        }
        this.pending.values().removeIf(pendingFrame -> pendingFrame.type() != null);
        this.phase = Phase.LIVE;
        initial.forEach(this::enqueue);
    }

    /** The refresh could not be built: a client left dropping every event would never be found slow. */
    void refreshFailed() {
        close();
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
     * Writes pending frames while the channel takes them, then flushes once. What the channel does not take waits
     * here until it drains ({@link #writable()}); each frame is a retained duplicate of its shared buffer.
     */
    void flush() {
        if (this.phase == Phase.CLOSED || !this.channel.isActive()) {
            return;
        }
        long now = this.clock.millis();
        boolean wrote = false;
        Iterator<SseFrame> next = this.pending.values().iterator();
        while (next.hasNext() && this.channel.isWritable()) {
            SseFrame frame = next.next();
            next.remove();
            this.channel.write(frame.retainedBuffer(), this.channel.voidPromise());
            this.metrics.written(frame, now);
            wrote = true;
        }
        if (wrote) {
            this.lastWrite = now;
            this.channel.flush();
        }
        if (this.channel.isWritable()) {
            this.blockedSince = NOT_BLOCKED;
        }
        else if (this.blockedSince == NOT_BLOCKED) {
            this.blockedSince = now;
        }
    }

    /** The channel went below its low water mark: goes on writing. */
    void writable() {
        flush();
    }

    /**
     * Called periodically: queues a heartbeat on a silent stream, closes one whose channel has stayed unwritable
     * longer than {@code slowAfterMillis}.
     */
    void tick(long now, long heartbeatMillis, long slowAfterMillis) {
        if (this.phase == Phase.CLOSED) {
            return;
        }
        if (this.channel.isWritable()) {
            this.blockedSince = NOT_BLOCKED;
            if (this.pending.isEmpty() && now - this.lastWrite >= heartbeatMillis) {
                this.pending.put(HEARTBEAT.key(), HEARTBEAT);
                flush();
            }
            return;
        }
        if (this.blockedSince == NOT_BLOCKED) {
            this.blockedSince = now;
        }
        else if (now - this.blockedSince > slowAfterMillis) {
            this.metrics.slowDisconnect();
            logger.info("Disconnecting a slow client (its socket took nothing for longer than the slow-client "
                    + "timeout); it resumes from its last event id");
            close();
        }
    }

    /** Ends the stream: drops what is pending and closes the connection (the client resumes with its last id). */
    void close() {
        this.phase = Phase.CLOSED;
        this.pending.clear();
        this.channel.close();
    }

    /** The connection is gone: nothing more is kept for it. */
    void closed() {
        this.phase = Phase.CLOSED;
        this.pending.clear();
    }
}
