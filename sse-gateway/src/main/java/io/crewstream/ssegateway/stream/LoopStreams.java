package io.crewstream.ssegateway.stream;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams one event loop owns, and the inbox through which other threads reach them. The table reader posts each
 * change here once per loop, not once per client; the loop runs everything posted since its last turn, then flushes
 * each stream that got something once, so a poll of a hundred changes costs a stream one flush.
 *
 * <p>Threading: {@link #post} may be called from any thread; everything else runs on {@link #loop}. {@link #start}
 * and {@link #stop} are called by the owner ({@link ClientRegistry}), once each.
 */
final class LoopStreams {

    private static final Logger logger = LoggerFactory.getLogger(LoopStreams.class);

    private final EventLoop loop;

    private final Keepalive keepalive;

    private final Clock clock;

    /** Many producers (the table reader, the table work thread), one consumer (the loop); lock-free. */
    private final Queue<Consumer<LoopStreams>> inbox = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    private final Set<ClientStream> streams = new LinkedHashSet<>();

    /** Streams that got frames during this turn; flushed once at its end. */
    private final Set<ClientStream> touched = new LinkedHashSet<>();

    private ScheduledFuture<?> sweep;

    LoopStreams(EventLoop loop, Keepalive keepalive, Clock clock) {
        this.loop = loop;
        this.keepalive = keepalive;
        this.clock = clock;
    }

    void start() {
        long tick = this.keepalive.sweepIntervalMillis();
        this.sweep = this.loop.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (this.sweep != null) {
            this.sweep.cancel(false);
        }
    }

    /** Runs {@code task} on the loop, after everything posted before it. Any thread. */
    void post(Consumer<LoopStreams> task) {
        this.inbox.offer(task);
        if (this.drainScheduled.compareAndSet(false, true)) {
            try {
                this.loop.execute(this::drain);
            }
            catch (RejectedExecutionException ex) {
                // The loop is shutting down, and with it every channel it owns: there is no stream left to reach.
                this.inbox.clear();
            }
        }
    }

    /** Adds a stream, unless its connection is already gone. Loop only. */
    boolean add(ClientStream stream) {
        if (!stream.channel().isActive()) {
            return false;
        }
        this.streams.add(stream);
        return true;
    }

    /** Loop only. */
    void remove(ClientStream stream) {
        this.streams.remove(stream);
        this.touched.remove(stream);
    }

    /** Streams on this loop. Loop only. */
    Set<ClientStream> streams() {
        return this.streams;
    }

    /** Marks a stream to be flushed at the end of this turn. Loop only. */
    void touch(ClientStream stream) {
        this.touched.add(stream);
    }

    private void drain() {
        // Cleared first: a post that finds the flag clear after this schedules another drain, which finds its task.
        this.drainScheduled.set(false);
        Consumer<LoopStreams> task;
        while ((task = this.inbox.poll()) != null) {
            try {
                task.accept(this);
            }
            catch (RuntimeException ex) {
                logger.error("A stream task failed; the loop goes on", ex);
            }
        }
        // A copy: a flush that fails closes its channel, whose close listener removes the stream from these sets.
        List<ClientStream> flushing = List.copyOf(this.touched);
        this.touched.clear();
        for (ClientStream stream : flushing) {
            try {
                stream.flush();
            }
            catch (RuntimeException ex) {
                logger.error("A stream's flush failed; closing it", ex);
                stream.close();
            }
        }
    }

    private void sweep() {
        try {
            long now = this.clock.millis();
            // A copy: a stream closed by its tick is removed from the set by its channel's close listener, at once.
            for (ClientStream stream : List.copyOf(this.streams)) {
                stream.tick(now, this.keepalive.heartbeatMillis(), this.keepalive.slowAfterMillis());
            }
        }
        catch (RuntimeException ex) {
            // A failing sweep must not cancel the schedule (an exception would).
            logger.error("Heartbeat sweep failed", ex);
        }
    }
}
