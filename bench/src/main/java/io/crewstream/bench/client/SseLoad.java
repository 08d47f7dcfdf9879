package io.crewstream.bench.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.crewstream.schemas.sse.SseEventType;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Many event streams held open by a few threads: JDK {@link HttpClient}s (HTTP/1.1, one socket per stream, one
 * selector thread per client) over a small shared executor, never a thread per connection. Every
 * {@code session-created}/{@code session-updated} that carries {@link BenchTimestamps#FIELD} is timed against it.
 *
 * <p>Threading: {@link #open} blocks its caller while connections ramp up; events are counted and timed on the HTTP
 * clients' threads ({@link Recorder} and the adders are safe for that); {@link #startMeasuring} and
 * {@link #stopMeasuring} may be called from any thread.
 */
public final class SseLoad implements AutoCloseable {

    /** Latencies above a minute are recorded as a minute: that stream is broken, not slow. */
    private static final long MAX_MICROS = 60_000_000L;

    private final ExecutorService executor;

    private final List<HttpClient> httpClients = new ArrayList<>();

    private final Recorder latency = new Recorder(MAX_MICROS, 3);

    private final LongAdder deliveries = new LongAdder();

    private final LongAdder untimed = new LongAdder();

    private final AtomicInteger refreshed = new AtomicInteger();

    private final AtomicInteger failed = new AtomicInteger();

    private final AtomicInteger closed = new AtomicInteger();

    private volatile boolean measuring;

    private volatile long measuringSince;

    /**
     * @param threads threads shared by all streams for body decoding and event handling
     * @param httpClients how many HTTP clients (selector threads) to spread the streams over
     */
    public SseLoad(int threads, int httpClients) {
        this.executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "sse-load");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < httpClients; i++) {
            this.httpClients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(30)).executor(this.executor).build());
        }
    }

    /**
     * Opens {@code count} streams, at most {@code inFlight} of them waiting for their {@code sessions-refresh} at any
     * time (a gateway serializes each refresh; a thundering herd would only measure the accept queue).
     */
    public void open(URI uri, int count, int inFlight, Duration timeout) throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < count; i++) {
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            Stream stream = new Stream(permits);
            HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build();
            HttpClient client = this.httpClients.get(i % this.httpClients.size());
            client.sendAsync(request, info -> new ScanningBodySubscriber(new SseByteScanner(stream)))
                    .whenComplete((response, failure) -> stream.onClosed(failure));
        }
        permits.tryAcquire(inFlight, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Forgets what was timed so far and counts deliveries from now on. */
    public void startMeasuring() {
        this.latency.reset();
        this.deliveries.reset();
        this.untimed.reset();
        this.measuringSince = System.nanoTime();
        this.measuring = true;
    }

    /** Stops counting; returns the latencies (µs) and deliveries since {@link #startMeasuring()}. */
    public Measurement stopMeasuring() {
        this.measuring = false;
        double seconds = (System.nanoTime() - this.measuringSince) / 1e9;
        Histogram histogram = this.latency.getIntervalHistogram();
        return new Measurement(histogram, this.deliveries.sum(), this.untimed.sum(), seconds);
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

    @Override
    public void close() {
        this.executor.shutdownNow();
    }

    /** What the streams received while measuring. Latencies in microseconds. */
    public record Measurement(Histogram latencyMicros, long deliveries, long untimedDeliveries, double seconds) {
    }

    /** One stream's listener: counts its refresh once, times its session events. */
    private final class Stream implements SseByteScanner.EventSink {

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
                deliveries.increment();
                if (sent > 0) {
                    latency.recordValue(Math.min(MAX_MICROS, Math.max(0, BenchTimestamps.nowMicros() - sent)));
                }
                else {
                    untimed.increment();
                }
            }
        }

        synchronized void onClosed(Throwable failure) {
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

        private synchronized void release() {
            if (!this.released) {
                this.released = true;
                this.permits.release();
            }
        }
    }
}
