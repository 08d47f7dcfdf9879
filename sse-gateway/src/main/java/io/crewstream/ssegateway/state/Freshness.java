package io.crewstream.ssegateway.state;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.sse.PipelineStatus;

/**
 * The rules that decide whether the view is live, as a pure function of what the table reader and the table know at
 * one instant (all times are this process's clock millis, so no two hosts' clocks are ever compared):
 * <ul>
 * <li>the reader stopped: paused ({@code table_reader_stopped});</li>
 * <li>the reader has not completed a read for longer than {@code pauseAfter}: paused ({@code table_stalled});</li>
 * <li>the cluster has not answered for longer than {@code pauseAfter}: paused ({@code kafka_unreachable});</li>
 * <li>otherwise live.</li>
 * </ul>
 * A gateway connection's status is paused when its row promised a restatement every {@code statusIntervalMs} and
 * none arrived for {@code 2 × statusIntervalMs + pauseAfter}: the ingestor, the projector or the path between them
 * stopped. A paused status keeps the moment it was last known good as its {@code since}, whatever the cause becomes
 * meanwhile; going live starts a new {@code since}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Freshness {

    private final long pauseAfterMillis;

    public Freshness(Duration pauseAfter) {
        this.pauseAfterMillis = pauseAfter.toMillis();
    }

    /** The view as of {@code now}, given the previous one; the same instance when nothing changed. */
    public PipelineView next(PipelineView previous, long now, ReaderProgress reader,
            List<SessionTable.ReceivedConnection> connections) {
        return previous.with(status(previous.status(), now, reader), pausedGateways(now, connections));
    }

    PipelineStatus status(PipelineStatus previous, long now, ReaderProgress reader) {
        PipelineStatus paused = pausedStatus(now, reader);
        if (paused == null) {
            return previous.paused() ? PipelineStatus.live(now) : previous;
        }
        if (!previous.paused()) {
            return paused;
        }
        if (paused.reasonCode().equals(previous.reasonCode())) {
            return previous;
        }
        return PipelineStatus.paused(previous.since(), paused.reason(), paused.reasonCode());
    }

    private PipelineStatus pausedStatus(long now, ReaderProgress reader) {
        if (!reader.running()) {
            return PipelineStatus.paused(reader.lastReadAt(),
                    "the table reader stopped: this SSE gateway no longer follows the tables (see its log)",
                    PipelineStatus.TABLE_READER_STOPPED);
        }
        if (now - reader.lastReadAt() > this.pauseAfterMillis) {
            return PipelineStatus.paused(reader.lastReadAt(), "the table reader has not completed a read for over "
                    + this.pauseAfterMillis + " ms", PipelineStatus.TABLE_STALLED);
        }
        if (now - reader.lastContactAt() > this.pauseAfterMillis) {
            String why = (reader.contactFailure() != null) ? reader.contactFailure() : "no answer";
            return PipelineStatus.paused(reader.lastContactAt(), "Kafka unreachable: " + why,
                    PipelineStatus.KAFKA_UNREACHABLE);
        }
        return null;
    }

    Map<String, Long> pausedGateways(long now, List<SessionTable.ReceivedConnection> connections) {
        Map<String, Long> paused = new TreeMap<>();
        for (SessionTable.ReceivedConnection connection : connections) {
            ConnectionState state = connection.state();
            Long interval = state.statusIntervalMs();
            if (interval != null && now - connection.receivedAt() > 2 * interval + this.pauseAfterMillis) {
                // Shown as the time of the last word, which is the ingestor's: how long ago that was is what a
                // reader wants to know, and the row's age is not decided by it.
                paused.put(state.connectionId(), state.observedAt());
            }
        }
        return paused;
    }
}
