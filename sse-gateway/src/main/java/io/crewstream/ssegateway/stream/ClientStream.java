package io.crewstream.ssegateway.stream;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.crewstream.ssegateway.state.Position;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
 * <p>Content that takes the table's lock (the initial state, a refresh) is built and rendered off the loop, and may
 * be 20 MB: the stream is told under the table's lock that it is coming ({@link #hold()}, or its registration), holds
 * every live frame from then on, and gets the content later; the content goes out first, the held frames after it.
 * No frame is lost between the position the content was built at and the moment it arrives, and the loop never
 * renders or waits for it.
 *
 * <p>Threading: owned by its channel's event loop ({@link #loop()}). Every method but the accessors of immutable
 * fields and {@link #resumed} runs on that loop, so nothing here is locked. Others reach a stream by posting to its
 * loop ({@link LoopStreams#post}); the table work a refresh needs is handed off through {@code refresher}.
 */
final class ClientStream {

    private static final Logger logger = LoggerFactory.getLogger(ClientStream.class);

    private static final SseFrame HEARTBEAT = SseFrame.raw("heartbeat", ": heartbeat\n\n");

    /** A time not recorded yet. */
    private static final long UNSET = Long.MIN_VALUE;

    /** The access of a stream that never expires (a static token, or authentication off). */
    static final long NEVER = Long.MAX_VALUE;

    /** Where a stream is in its life; each phase says what it does with a live frame. */
    enum Phase {
        /** Registered, its initial content on the way (or the table still loading): holds live frames. */
        JOINING,
        /** Has its content: queues live frames to write. */
        LIVE,
        /** Its queue overflowed: drops live frames, which the refresh it asked for will include. */
        REFRESH_DUE,
        /** The refresh was built at the table's current position and is on the way: holds live frames. */
        REFRESHING,
        /**
         * Its access has ended: {@code auth-expired} is on its way out, and the connection closes once it is written;
         * takes nothing.
         */
        EXPIRED,
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

    /** Clock millis at which the access this stream was opened with ends, {@link #NEVER} if it does not. */
    private final long accessEndsAt;

    /** Frames to write, conflated per key, in the order of their ids. */
    private final LinkedHashMap<String, SseFrame> pending = new LinkedHashMap<>();

    /** Live frames that came after the content on the way (JOINING, REFRESHING), conflated per key. */
    private final LinkedHashMap<String, SseFrame> held = new LinkedHashMap<>();

    private Phase phase = Phase.JOINING;

    /** Clock millis when the channel was first seen unwritable, {@link #UNSET} while it is writable. */
    private long blockedSince = UNSET;

    /** Clock millis of the last write; {@link #UNSET} until the first tick sets it (no clock in a constructor). */
    private long lastWrite = UNSET;

    /** Clock millis when {@code auth-expired} was written (phase {@link Phase#EXPIRED}). */
    private long expiredAt = UNSET;

    /**
     * @param refresher asked, on the loop, for the whole state once the queue overflowed; it answers later through
     *     {@link #hold} and then {@link #refreshWith}, both posted to the loop
     * @param accessEndsAt clock millis at which the caller's access ends ({@link #NEVER}): the stream then ends with
     *     {@code auth-expired}
     */
    ClientStream(Channel channel, ClientFilter filter, Optional<Position> resumeFrom, StreamMetrics metrics,
            int capacity, Clock clock, Consumer<ClientStream> refresher, long accessEndsAt) {
        this.channel = channel;
        this.filter = filter;
        this.resumeFrom = resumeFrom;
        this.metrics = metrics;
        this.capacity = capacity;
        this.clock = clock;
        this.refresher = refresher;
        this.accessEndsAt = accessEndsAt;
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

    /**
     * Queues the initial frames (a refresh, or the changes since the resume position), then the live frames held
     * since the position they were built at.
     */
    void start(List<SseFrame> initial) {
        if (this.phase != Phase.JOINING) {
            // Closed, or the frames held while joining overflowed: a refresh is coming instead.
            return;
        }
        // The content is not held to the queue bound: the caller sized it, and it is what a client needs.
        initial.forEach(frame -> enqueue(this.pending, frame));
        release(this.held);
        this.phase = Phase.LIVE;
    }

    /** A live frame the filter accepts: queued, held or dropped, by phase (see {@link Phase}). */
    void offer(SseFrame frame) {
        switch (this.phase) {
            case LIVE -> {
                enqueue(this.pending, frame);
                if (this.pending.size() > this.capacity) {
                    this.pending.values().removeIf(pendingFrame -> pendingFrame.type() != null);
                    refreshDue();
                }
            }
            case JOINING, REFRESHING -> {
                enqueue(this.held, frame);
                if (this.held.size() > this.capacity) {
                    // The content on the way is already out of date: a refresh built later replaces both.
                    this.held.clear();
                    refreshDue();
                }
            }
            case REFRESH_DUE, EXPIRED, CLOSED -> {
                // A due refresh is built later, from the table as it is then: it includes this change.
            }
        }
    }

    private void refreshDue() {
        this.phase = Phase.REFRESH_DUE;
        this.metrics.overflowRefresh();
        logger.debug("A client fell more than {} events behind; it gets the whole state instead", this.capacity);
        this.refresher.accept(this);
    }

    /** The refresh it asked for was built at the table's current position: live frames from now on are held. */
    void hold() {
        if (this.phase == Phase.REFRESH_DUE) {
            this.phase = Phase.REFRESHING;
        }
    }

    /** Replaces the pending events with the whole state, followed by the frames held since it was built. */
    void refreshWith(List<SseFrame> state) {
        if (this.phase != Phase.REFRESHING) {
            return;
        }
        this.pending.values().removeIf(pendingFrame -> pendingFrame.type() != null);
        state.forEach(frame -> enqueue(this.pending, frame));
        release(this.held);
        this.phase = Phase.LIVE;
    }

    /** Content could not be built: a client left holding or dropping every event would never be found slow. */
    void contentFailed() {
        close();
    }

    /** Moves the held frames behind the pending ones. */
    private void release(LinkedHashMap<String, SseFrame> frames) {
        frames.values().forEach(frame -> enqueue(this.pending, frame));
        frames.clear();
    }

    private void enqueue(LinkedHashMap<String, SseFrame> queue, SseFrame frame) {
        SseFrame older = queue.put(frame.key(), frame);
        if (older != null) {
            // Moved to the end: events go out in the order of their ids, which is what a resume relies on.
            queue.remove(frame.key());
            queue.put(frame.key(), SseFrame.conflate(older, frame));
            this.metrics.conflated();
        }
    }

    /**
     * Writes pending frames while the channel takes them, then flushes once. What the channel does not take waits
     * here until it drains ({@link #writable()}); each frame is a retained duplicate of its shared buffer.
     */
    void flush() {
        if (this.phase == Phase.CLOSED || this.phase == Phase.EXPIRED || !this.channel.isActive()) {
            return;
        }
        long now = this.clock.millis();
        if (now >= this.accessEndsAt) {
            // Not one more frame once the access has ended, even between two ticks.
            expire(now);
            return;
        }
        boolean wrote = false;
        Iterator<SseFrame> next = this.pending.values().iterator();
        while (next.hasNext() && this.channel.isWritable()) {
            SseFrame frame = next.next();
            ByteBuf buffer = frame.retainedBuffer();
            next.remove();
            this.channel.write(buffer, this.channel.voidPromise());
            this.metrics.written(frame, now);
            wrote = true;
        }
        if (wrote) {
            this.lastWrite = now;
            this.channel.flush();
        }
        if (this.channel.isWritable()) {
            this.blockedSince = UNSET;
        }
        else if (this.blockedSince == UNSET) {
            this.blockedSince = now;
        }
    }

    /** The channel went below its low water mark: goes on writing. */
    void writable() {
        flush();
    }

    /**
     * Called periodically: queues a heartbeat on a silent stream, closes one whose channel has stayed unwritable
     * longer than {@code slowAfterMillis}, ends one whose access has ended, and closes one whose {@code auth-expired}
     * has not gone out within {@code slowAfterMillis}.
     */
    void tick(long now, long heartbeatMillis, long slowAfterMillis) {
        if (this.phase == Phase.CLOSED) {
            return;
        }
        if (this.phase == Phase.EXPIRED) {
            if (now - this.expiredAt > slowAfterMillis) {
                // A client that reads nothing would never take its last event, and the connection (and the limits
                // it counts against) would stay held for ever.
                logger.debug("Closing an expired stream whose client has not taken its last event");
                close();
            }
            return;
        }
        if (now >= this.accessEndsAt) {
            expire(now);
            return;
        }
        if (this.lastWrite == UNSET) {
            this.lastWrite = now;
        }
        if (this.channel.isWritable()) {
            this.blockedSince = UNSET;
            if (!this.pending.isEmpty()) {
                // Normally written when the channel drained (writable()); this only makes sure nothing waits longer.
                flush();
            }
            else if (now - this.lastWrite >= heartbeatMillis) {
                this.pending.put(HEARTBEAT.key(), HEARTBEAT);
                flush();
            }
            return;
        }
        if (this.blockedSince == UNSET) {
            this.blockedSince = now;
        }
        else if (now - this.blockedSince > slowAfterMillis) {
            this.metrics.slowDisconnect();
            logger.info("Disconnecting a slow client (its socket took nothing for longer than the slow-client "
                    + "timeout); it resumes from its last event id");
            close();
        }
    }

    /**
     * The caller's access has ended: drops what is pending (the client resumes with its last id, once it has new
     * credentials), writes {@code auth-expired} as the stream's last event, and closes the connection once it is
     * written (or at once, if it cannot be; or at the next tick past the slow-client timeout, if it stays unwritten).
     */
    private void expire(long now) {
        this.pending.clear();
        this.held.clear();
        this.phase = Phase.EXPIRED;
        this.expiredAt = now;
        SseFrame expired = Frames.authExpired(this.accessEndsAt);
        this.metrics.written(expired, now);
        this.channel.writeAndFlush(expired.retainedBuffer()).addListener(ChannelFutureListener.CLOSE);
    }

    /** Ends the stream: drops what is pending and closes the connection (the client resumes with its last id). */
    void close() {
        closed();
        this.channel.close();
    }

    /** The connection is gone: nothing more is kept for it. */
    void closed() {
        this.phase = Phase.CLOSED;
        this.pending.clear();
        this.held.clear();
    }
}
