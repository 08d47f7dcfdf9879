package io.crewstream.bench.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.crewstream.schemas.sse.SseEventType;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Many event streams held open by a few threads: raw non-blocking HTTP/1.1 sockets spread round-robin over a few
 * selector threads ({@link SseSelectorThread}), never a thread per connection. Every
 * {@code session-created}/{@code session-updated} that carries {@link BenchTimestamps#FIELD} is timed against it.
 *
 * <p>Threading: {@link #open} blocks its caller while connections ramp up; events are counted and timed on the
 * selector threads ({@link Recorder} and the adders are safe for that); {@link #startMeasuring},
 * {@link #stopMeasuring} and the counters may be called from any thread.
 */
public final class SseLoad implements AutoCloseable {

    /** Latencies above a minute are recorded as a minute: that stream is broken, not slow. */
    private static final long MAX_MICROS = 60_000_000L;

    private final List<SseSelectorThread> selectorThreads = new ArrayList<>();

    private final Recorder latency = new Recorder(MAX_MICROS, 3);

    private final LongAdder deliveries = new LongAdder();

    private final LongAdder untimed = new LongAdder();

    private final LongAdder stragglers = new LongAdder();

    private final AtomicInteger refreshed = new AtomicInteger();

    private final AtomicInteger failed = new AtomicInteger();

    private final AtomicInteger closed = new AtomicInteger();

    private volatile boolean measuring;

    private volatile long measuringSince;

    /** Wall clock (µs) when measuring started: events stamped earlier are stragglers, not deliveries. */
    private volatile long measuringSinceMicros;

    /** @param selectorThreads threads that hold the sockets and scan every stream's bytes */
    public SseLoad(int selectorThreads) {
        if (selectorThreads < 1) {
            throw new IllegalArgumentException("at least one selector thread is needed, got " + selectorThreads);
        }
        for (int i = 0; i < selectorThreads; i++) {
            this.selectorThreads.add(SseSelectorThread.start("sse-load-" + i));
        }
    }

    /**
     * Opens {@code count} streams, at most {@code inFlight} of them waiting for their {@code sessions-refresh} at any
     * time (a gateway serializes each refresh; a thundering herd would only measure the accept queue). The timeout
     * bounds the whole ramp-up, each stream's TCP connect included.
     */
    public void open(URI uri, int count, int inFlight, Duration timeout) throws InterruptedException {
        EventStreamRequest request = EventStreamRequest.of(uri);
        Semaphore permits = new Semaphore(inFlight);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < count; i++) {
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            NioSseConnection connection = new NioSseConnection(request, deadline, new Stream(permits));
            this.selectorThreads.get(i % this.selectorThreads.size()).add(connection);
        }
        permits.tryAcquire(inFlight, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Forgets what was timed so far and counts deliveries from now on. */
    public void startMeasuring() {
        this.latency.reset();
        this.deliveries.reset();
        this.untimed.reset();
        this.stragglers.reset();
        this.measuringSinceMicros = BenchTimestamps.nowMicros();
        this.measuringSince = System.nanoTime();
        this.measuring = true;
    }

    /** Stops counting; returns the latencies (µs) and deliveries since {@link #startMeasuring()}. */
    public Measurement stopMeasuring() {
        this.measuring = false;
        double seconds = (System.nanoTime() - this.measuringSince) / 1e9;
        Histogram histogram = this.latency.getIntervalHistogram();
        return new Measurement(histogram, this.deliveries.sum(), this.untimed.sum(), this.stragglers.sum(), seconds);
    }

    public int refreshed() {
        return this.refreshed.get();
    }

    public int failed() {
        return this.failed.get();
    }

    public int closed() {
        return this.closed.get();
    }

    /** Closes every stream; none of them is counted as closed or failed for it. */
    @Override
    public void close() {
        this.selectorThreads.forEach(SseSelectorThread::close);
    }

    /**
     * What the streams received while measuring. Latencies in microseconds.
     * @param stragglers stamped events sent before measuring started (a warm-up's backlog): neither counted as
     *     deliveries nor timed, so a backlog cannot make a run look like it delivered more than it was sent
     */
    public record Measurement(Histogram latencyMicros, long deliveries, long untimedDeliveries, long stragglers,
            double seconds) {
    }

    /**
     * One stream's listener: counts its refresh once, times its session events, counts its end. Confined to its
     * connection's selector thread, so its own fields need no locking.
     */
    private final class Stream implements NioSseConnection.Listener {

        private final Semaphore permits;

        private boolean released;

        private boolean ended;

        Stream(Semaphore permits) {
            this.permits = permits;
        }

        @Override
        public void onEvent(String event, long sent) {
            if (event.equals(SseEventType.SESSIONS_REFRESH.eventName())) {
                if (!this.released) {
                    refreshed.incrementAndGet();
                    release();
                }
                return;
            }
            if (!measuring) {
                return;
            }
            if (event.equals(SseEventType.SESSION_UPDATED.eventName())
                    || event.equals(SseEventType.SESSION_CREATED.eventName())) {
                if (sent > 0 && sent < measuringSinceMicros) {
                    stragglers.increment();
                    return;
                }
                deliveries.increment();
                if (sent > 0) {
                    latency.recordValue(Math.min(MAX_MICROS, Math.max(0, BenchTimestamps.nowMicros() - sent)));
                }
                else {
                    untimed.increment();
                }
            }
        }

        @Override
        public void onClosed(Throwable failure) {
            if (this.ended) {
                return;
            }
            this.ended = true;
            if (!this.released) {
                failed.incrementAndGet();
            }
            else {
                closed.incrementAndGet();
            }
            release();
        }

        private void release() {
            if (!this.released) {
                this.released = true;
                this.permits.release();
            }
        }
    }
}
