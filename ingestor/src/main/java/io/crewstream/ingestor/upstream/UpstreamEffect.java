package io.crewstream.ingestor.upstream;

import java.time.Duration;
import java.util.List;

import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SnapshotReason;

/**
 * What an {@link UpstreamSession} asks its shell to do, in the order given: socket work, timers and records to
 * publish ({@link io.crewstream.ingestor.publish.UpstreamOutput}).
 */
public sealed interface UpstreamEffect {

    /** Open a new socket to the gateway; whatever socket there was is closed already. */
    record OpenSocket() implements UpstreamEffect {
    }

    /** From now on, a message larger than this is discarded while it arrives ({@code policy.maxPayload}). */
    record LimitFrameSize(long maxBytes) implements UpstreamEffect {
    }

    /**
     * Send one text frame on the open socket, after the ones sent before it. A {@code connect} frame holds the token,
     * so the text never appears in {@link #toString()}.
     */
    record SendFrame(String method, String text) implements UpstreamEffect {
        @Override
        public String toString() {
            return "SendFrame[method=" + this.method + "]";
        }
    }

    /** Close the socket (opened or still opening) and drop it: nothing it reports later reaches the session. */
    record CloseSocket(int code, String reason) implements UpstreamEffect {
    }

    /** Fire {@code timer} after {@code delay}, replacing a pending one of the same value. */
    record ScheduleTimer(SessionTimer timer, Duration delay) implements UpstreamEffect {
    }

    record CancelTimer(SessionTimer timer) implements UpstreamEffect {
    }

    /**
     * A full snapshot of the connection's sessions.
     *
     * @param startedAt epoch ms at which the snapshot was asked for, for its duration
     */
    record PublishSnapshot(String connectionId, SnapshotReason reason, List<SessionRow> sessions, long observedAt,
            long listedFrom, long startedAt) implements UpstreamEffect {
    }

    /** One {@code SessionUpserted} / {@code SessionRemoved}. */
    record PublishChange(SessionEvent event) implements UpstreamEffect {
    }

    /**
     * The marker that ends a re-list published as differences.
     *
     * @param startedAt epoch ms at which the re-list was asked for, for its duration
     */
    record PublishSessionsVerified(String connectionId, SnapshotReason reason, int sessionCount, String digest,
            int changesPublished, long listedFrom, long observedAt, long startedAt) implements UpstreamEffect {
    }

    record PublishStatus(ConnectionStatusEvent status) implements UpstreamEffect {
    }

    /** One run step, with its CloudEvents id. */
    record PublishRunEvent(RunEvent event, String eventId) implements UpstreamEffect {
    }

    record PublishAgentList(AgentList list) implements UpstreamEffect {
    }

    /** One inbound frame as received (redacted); see {@code UpstreamOutput#rawFrame}. */
    record PublishRawFrame(String connectionId, long receivedAt, String frameType, String event, Long seq,
            long sizeBytes, String text, boolean partial) implements UpstreamEffect {
    }
}
