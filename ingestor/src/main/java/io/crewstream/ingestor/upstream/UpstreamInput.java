package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.records.KafkaOutage;
import io.crewstream.schemas.records.SnapshotRequest;

/**
 * What can happen to an {@link UpstreamSession}: everything it reacts to, as values. Socket inputs are about the
 * socket the session last asked to open ({@link UpstreamEffect.OpenSocket}); the shell drops those of sockets the
 * session has closed since, so the session never sees a late callback of a dead socket.
 */
public sealed interface UpstreamInput {

    /** Start connecting (also after a {@link Stop}). */
    record Start() implements UpstreamInput {
    }

    /** Close the link and report the connection stopped as {@code mode} says. */
    record Stop(StopMode mode) implements UpstreamInput {

        /** The ingestor shuts down. */
        public Stop() {
            this(StopMode.SHUTDOWN);
        }
    }

    /** The socket asked for by {@link UpstreamEffect.OpenSocket} is open. */
    record SocketOpened() implements UpstreamInput {
    }

    /** The socket could not be opened (refused, unknown host, timeout, no WebSocket, …). */
    record OpenFailed(Throwable failure) implements UpstreamInput {
    }

    /** The open socket failed. */
    record SocketFailed(Throwable failure) implements UpstreamInput {
    }

    /** The gateway closed the socket. */
    record SocketClosed(int code, String reason) implements UpstreamInput {
    }

    /** A frame could not be sent. */
    record SendFailed(String method, Throwable failure) implements UpstreamInput {
    }

    /** A whole text message within the size limit. */
    record FrameReceived(String text, int sizeBytes, long receivedAt) implements UpstreamInput {
    }

    /** A text message larger than the size limit, discarded as it arrived but for its first characters. */
    record OversizedFrame(String head, long sizeBytes, long receivedAt) implements UpstreamInput {
    }

    /** A binary message (the protocol has none). */
    record BinaryFrame(int sizeBytes, long receivedAt) implements UpstreamInput {
    }

    /** A timer the session scheduled ({@link UpstreamEffect.ScheduleTimer}) is due. */
    record TimerFired(SessionTimer timer) implements UpstreamInput {
    }

    /** Kafka accepts records again after failures; records sent meanwhile may be lost. */
    record PublishRecovered(KafkaOutage outage) implements UpstreamInput {
    }

    /** A reader of the session events asked for a full snapshot. */
    record SnapshotRequested(SnapshotRequest request) implements UpstreamInput {
    }

    /** Handling an input (or carrying out its effects) threw: a bug, answered by dropping the link. */
    record InternalFailure(RuntimeException failure) implements UpstreamInput {
    }
}
