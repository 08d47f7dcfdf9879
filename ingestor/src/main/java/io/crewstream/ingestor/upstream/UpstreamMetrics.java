package io.crewstream.ingestor.upstream;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.crewstream.schemas.records.RunEventKind;
import io.crewstream.schemas.records.UpstreamState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of one upstream connection, all tagged {@code connection=<id>}. Thread-safe (Micrometer meters are).
 */
final class UpstreamMetrics {

    private final AtomicReference<UpstreamState> state = new AtomicReference<>(UpstreamState.CONNECTING);
    private final Counter reconnects;
    private final Counter framesReceived;
    private final Map<BadFrame, Counter> badFrames = new EnumMap<>(BadFrame.class);
    private final Counter rejectedRows;
    private final DistributionSummary snapshotSessions;
    private final Timer snapshotDuration;
    private final DistributionSummary relistChanges;
    private final Map<RunEventKind, Counter> runEvents = new EnumMap<>(RunEventKind.class);
    private final Counter malformedActivity;
    private final Counter agentListsPublished;
    private final Counter agentListFailures;

    enum BadFrame {
        MALFORMED, OVERSIZED, BINARY
    }

    UpstreamMetrics(String connectionId, MeterRegistry registry) {
        for (UpstreamState candidate : UpstreamState.values()) {
            Gauge.builder("crewstream.ingestor.connection.state", this.state, s -> s.get() == candidate ? 1 : 0)
                    .description("1 for the connection's current state, 0 for the others")
                    .tag("connection", connectionId)
                    .tag("state", candidate.wireName())
                    .register(registry);
        }
        this.reconnects = Counter.builder("crewstream.ingestor.reconnects")
                .description("Connection attempts after the first one")
                .tag("connection", connectionId).register(registry);
        this.framesReceived = Counter.builder("crewstream.ingestor.frames.received")
                .description("Inbound frames from the gateway, including bad ones")
                .tag("connection", connectionId).register(registry);
        for (BadFrame kind : BadFrame.values()) {
            this.badFrames.put(kind, Counter.builder("crewstream.ingestor.frames.bad")
                    .description("Inbound frames that were not usable protocol frames; each triggers a resync")
                    .tag("connection", connectionId)
                    .tag("kind", kind.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        this.rejectedRows = Counter.builder("crewstream.ingestor.sessions.rejected")
                .description("Session rows not published as listed: left out (no usable key) or trimmed (too "
                        + "large for a Kafka record)")
                .tag("connection", connectionId).register(registry);
        this.snapshotSessions = DistributionSummary.builder("crewstream.ingestor.snapshot.sessions")
                .description("Sessions per published full snapshot")
                .tag("connection", connectionId).register(registry);
        this.snapshotDuration = Timer.builder("crewstream.ingestor.snapshot.duration")
                .description("From the first list request to the snapshot handed to Kafka")
                .tag("connection", connectionId).register(registry);
        this.relistChanges = DistributionSummary.builder("crewstream.ingestor.relist.changes")
                .description("Changes published by a re-list published as differences plus a verification marker "
                        + "(one sample per such re-list)")
                .tag("connection", connectionId).register(registry);
        for (RunEventKind kind : RunEventKind.values()) {
            this.runEvents.put(kind, Counter.builder("crewstream.ingestor.run.events")
                    .description("Run events handed to Kafka, by kind")
                    .tag("connection", connectionId)
                    .tag("kind", kind.wireName())
                    .register(registry));
        }
        this.malformedActivity = Counter.builder("crewstream.ingestor.activity.malformed")
                .description("agent / session.tool / chat events too broken to read a run step from; each is "
                        + "logged with the reason and kept in raw-frames")
                .tag("connection", connectionId).register(registry);
        this.agentListsPublished = Counter.builder("crewstream.ingestor.agents.lists")
                .description("Agent lists handed to Kafka")
                .tag("connection", connectionId).register(registry);
        this.agentListFailures = Counter.builder("crewstream.ingestor.agents.list.failures")
                .description("agents.list requests that failed, timed out or returned an unusable result")
                .tag("connection", connectionId).register(registry);
    }

    void state(UpstreamState newState) {
        this.state.set(newState);
    }

    void reconnect() {
        this.reconnects.increment();
    }

    void frameReceived() {
        this.framesReceived.increment();
    }

    void badFrame(BadFrame kind) {
        this.badFrames.get(kind).increment();
    }

    double badFrames(BadFrame kind) {
        return this.badFrames.get(kind).count();
    }

    void rejectedRows(int count) {
        this.rejectedRows.increment(count);
    }

    void runEvent(RunEventKind kind) {
        this.runEvents.get(kind).increment();
    }

    void malformedActivity() {
        this.malformedActivity.increment();
    }

    void agentListPublished() {
        this.agentListsPublished.increment();
    }

    void agentListFailed() {
        this.agentListFailures.increment();
    }

    void relisted(int changesPublished) {
        this.relistChanges.record(changesPublished);
    }

    void snapshot(int sessions, Duration duration) {
        this.snapshotSessions.record(sessions);
        this.snapshotDuration.record(duration);
    }
}
