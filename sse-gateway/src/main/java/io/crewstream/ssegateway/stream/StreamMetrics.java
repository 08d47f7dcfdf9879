package io.crewstream.ssegateway.stream;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import io.crewstream.schemas.sse.SseEventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The meters of the browser streams. Thread-safe (Micrometer meters are). */
public final class StreamMetrics {

    public static final String CLIENTS = "crewstream.sse.clients";

    public static final String EVENTS_SENT = "crewstream.sse.events.sent";

    public static final String CONFLATIONS = "crewstream.sse.conflations";

    public static final String SLOW_DISCONNECTS = "crewstream.sse.slow.disconnects";

    public static final String OVERFLOW_REFRESHES = "crewstream.sse.overflow.refreshes";

    public static final String DELIVERY_LATENCY = "crewstream.sse.delivery.latency";

    /** Streams opened, tagged {@code outcome}: how their resume token was answered ({@link ResumeOutcome}). */
    public static final String RESUMES = "crewstream.sse.resumes";

    /** How a new stream's resume token was answered. */
    public enum ResumeOutcome {
        /** No token: a first connection, answered with the whole state. */
        NONE("none"),
        /** The changes since the token, exactly. */
        RESUMED("resumed"),
        /** A token of this server that cannot be answered exactly (too old, other partitions, too much missed). */
        REFRESHED("refreshed"),
        /** A token this server could not have issued. */
        MALFORMED("malformed");

        private final String tag;

        ResumeOutcome(String tag) {
            this.tag = tag;
        }
    }

    private final Map<SseEventType, Counter> sent = new EnumMap<>(SseEventType.class);

    private final Counter conflations;

    private final Counter slowDisconnects;

    private final Counter overflowRefreshes;

    private final Timer latency;

    private final Map<ResumeOutcome, Counter> resumes = new EnumMap<>(ResumeOutcome.class);

    public StreamMetrics(MeterRegistry meters, Supplier<Number> connectedClients) {
        Gauge.builder(CLIENTS, connectedClients).description("Connected event-stream clients").register(meters);
        for (SseEventType type : SseEventType.values()) {
            this.sent.put(type, Counter.builder(EVENTS_SENT).tag("event", type.eventName())
                    .description("Events written to client sockets").register(meters));
        }
        this.conflations = Counter.builder(CONFLATIONS)
                .description("Pending events replaced by a newer one for the same key").register(meters);
        this.slowDisconnects = Counter.builder(SLOW_DISCONNECTS)
                .description("Clients disconnected for staying behind").register(meters);
        this.overflowRefreshes = Counter.builder(OVERFLOW_REFRESHES)
                .description("Clients whose queue overflowed and who got the whole state instead").register(meters);
        this.latency = Timer.builder(DELIVERY_LATENCY)
                .description("From the ingestor receiving a change upstream to its event being written to a client")
                .register(meters);
        for (ResumeOutcome outcome : ResumeOutcome.values()) {
            this.resumes.put(outcome, Counter.builder(RESUMES).tag("outcome", outcome.tag)
                    .description("Event streams opened, by how their resume token was answered").register(meters));
        }
    }

    void written(SseFrame frame, long nowMillis) {
        if (frame.type() == null) {
            return;
        }
        this.sent.get(frame.type()).increment();
        if (frame.observedAt() != null) {
            this.latency.record(Duration.ofMillis(Math.max(0, nowMillis - frame.observedAt())));
        }
    }

    void conflated() {
        this.conflations.increment();
    }

    void overflowRefresh() {
        this.overflowRefreshes.increment();
    }

    void resume(ResumeOutcome outcome) {
        this.resumes.get(outcome).increment();
    }

    void slowDisconnect() {
        this.slowDisconnects.increment();
    }
}
