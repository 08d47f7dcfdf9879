package io.crewstream.bench.client;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.crewstream.bench.client.ActivityLedger.Transition;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What all activity clients measured together: per activity state the latency from the harness's stamp before the
 * emitting simulator call to the client's arrival stamp, how many transitions were seen and how many were skipped
 * (conflated); and the plain session changes' latency, timed as the end-to-end scenario does.
 *
 * <p>Threading: recorded from every client's reader thread ({@link Recorder} and the adders are safe for that);
 * read by the harness after the clients stopped recording.
 */
public final class ActivityTally {

    /** Latencies above a minute are recorded as a minute: that stream is broken, not slow. */
    private static final long MAX_MICROS = 60_000_000L;

    private final Map<String, Recorder> latency = new ConcurrentHashMap<>();

    private final Map<String, LongAdder> seen = new ConcurrentHashMap<>();

    private final Map<String, LongAdder> skipped = new ConcurrentHashMap<>();

    private final Recorder allActivity = new Recorder(MAX_MICROS, 3);

    private final Recorder sinceBased = new Recorder(MAX_MICROS, 3);

    private final Recorder plain = new Recorder(MAX_MICROS, 3);

    private final LongAdder plainDeliveries = new LongAdder();

    private final LongAdder unchanged = new LongAdder();

    private final LongAdder unmatched = new LongAdder();

    private volatile long plainSinceMicros = Long.MAX_VALUE;

    /** Plain changes stamped from now on are timed. */
    public void startPlain(long nowMicros) {
        this.plainSinceMicros = nowMicros;
    }

    void plainChange(long stampMicros, long arrivalMicros) {
        if (stampMicros >= this.plainSinceMicros) {
            this.plainDeliveries.increment();
            this.plain.recordValue(clamp(arrivalMicros - stampMicros));
        }
    }

    void observed(ActivityFollower.Observation observation, long sinceMillis, long arrivalMicros) {
        if (observation instanceof ActivityFollower.Observation.Unchanged) {
            this.unchanged.increment();
        }
        else if (observation instanceof ActivityFollower.Observation.Unmatched) {
            this.unmatched.increment();
        }
        else if (observation instanceof ActivityFollower.Observation.Seen s) {
            for (Transition t : s.skipped()) {
                if (t.measured()) {
                    count(this.skipped, t.state());
                }
            }
            Transition t = s.transition();
            if (t.measured()) {
                count(this.seen, t.state());
                long micros = clamp(arrivalMicros - t.beforeMicros());
                this.latency.computeIfAbsent(t.state(), k -> new Recorder(MAX_MICROS, 3)).recordValue(micros);
                this.allActivity.recordValue(micros);
                this.sinceBased.recordValue(clamp(arrivalMicros - sinceMillis * 1000));
            }
        }
    }

    /** Per state: latency (µs) of the seen transitions. Call once, after the clients stopped. */
    public Map<String, Histogram> latencyByState() {
        Map<String, Histogram> out = new TreeMap<>();
        this.latency.forEach((state, recorder) -> out.put(state, recorder.getIntervalHistogram()));
        return out;
    }

    public Histogram allActivity() {
        return this.allActivity.getIntervalHistogram();
    }

    /** The same deliveries timed from the gateway's {@code since} (epoch ms, so up to 1 ms too long). */
    public Histogram sinceBased() {
        return this.sinceBased.getIntervalHistogram();
    }

    public Histogram plain() {
        return this.plain.getIntervalHistogram();
    }

    public long plainDeliveries() {
        return this.plainDeliveries.sum();
    }

    public Map<String, Long> seenByState() {
        return sums(this.seen);
    }

    public Map<String, Long> skippedByState() {
        return sums(this.skipped);
    }

    public long unchanged() {
        return this.unchanged.sum();
    }

    public long unmatched() {
        return this.unmatched.sum();
    }

    /** Counts {@code transitions} that are measured, per state. */
    public static Map<String, Long> countMeasured(List<Transition> transitions, Map<String, Long> into) {
        transitions.stream().filter(Transition::measured).forEach(t -> into.merge(t.state(), 1L, Long::sum));
        return into;
    }

    private static void count(Map<String, LongAdder> counts, String state) {
        counts.computeIfAbsent(state, k -> new LongAdder()).increment();
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((state, adder) -> out.put(state, adder.sum()));
        return out;
    }

    private static long clamp(long micros) {
        return Math.min(MAX_MICROS, Math.max(0, micros));
    }
}
