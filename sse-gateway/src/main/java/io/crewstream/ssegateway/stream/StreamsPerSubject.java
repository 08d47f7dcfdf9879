package io.crewstream.ssegateway.stream;

import java.time.Clock;
import java.time.Duration;

import io.crewstream.ssegateway.api.OpenPerKey;
import io.crewstream.ssegateway.security.Viewer;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open event streams of each subject (a JWT's {@code sub}, a static token), at most
 * {@code crewstream.sse.auth.max-streams-per-subject} at once: a stream is counted from the moment it is admitted
 * until its channel closes, whatever closes it (the client leaving, a slow-client disconnect, the end of its access,
 * shutdown). A refusal is logged at most once per subject per interval (the caller answers and counts it).
 * Off (nothing counted) when the limit is 0 or authentication is off: every caller is then the same anonymous one.
 *
 * <p>Threading: one instance shared by every event loop; {@link #admit} runs on the loop of the request's connection
 * and touches only that channel and the thread-safe {@link OpenPerKey}; the release runs on the channel's loop.
 */
public final class StreamsPerSubject {

    private static final Logger logger = LoggerFactory.getLogger(StreamsPerSubject.class);

    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private final OpenPerKey<String> streams;

    /** @param limit most open streams per subject; 0 for none (nothing is counted) */
    public StreamsPerSubject(int limit, Clock clock) {
        this.streams = new OpenPerKey<>(limit, LOG_INTERVAL, clock);
    }

    /**
     * Whether {@code viewer} may open one more stream on {@code channel}; if it may, the stream counts until the
     * channel closes. Call last before the stream's first bytes: whatever refuses the request after this would leave
     * the count held until the connection closes.
     */
    boolean admit(Viewer viewer, Channel channel) {
        if (this.streams.limit() == 0 || !viewer.individual()) {
            return true;
        }
        String subject = viewer.subject();
        if (this.streams.admit(subject) instanceof OpenPerKey.Refused refused) {
            if (refused.logNow()) {
                // The subject names a person or a token's number, never a credential.
                logger.warn("Refused {} event stream(s) of subject '{}' since the last line about it: it holds {} open "
                        + "streams, the most crewstream.sse.auth.max-streams-per-subject allows (at most one such line "
                        + "per subject every {} s)", refused.refusedSinceLastLine(), subject, this.streams.limit(),
                        LOG_INTERVAL.toSeconds());
            }
            return false;
        }
        channel.closeFuture().addListener(closed -> this.streams.release(subject));
        return true;
    }

    /** Open streams of {@code subject} as counted here. */
    public int open(String subject) {
        return this.streams.open(subject);
    }

    /** Subjects holding an open stream. */
    public int subjects() {
        return this.streams.keys();
    }
}
