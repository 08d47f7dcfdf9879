package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the SSE gateway, under {@code crewstream.sse}. Where Kafka is and the topic prefix are the
 * pipeline's shared settings ({@code crewstream.kafka.*}, {@link io.crewstream.runtime.KafkaSettings}).
 *
 * @param clientId Kafka client id of the table reader
 * @param heartbeat a comment is written to a stream that has been silent this long
 * @param retry the reconnect delay suggested to browsers ({@code retry:} field)
 * @param clientQueueSize most distinct pending events (after conflation by key) a client may have
 * @param slowClientTimeout a client whose socket has not accepted all pending events for this long is disconnected
 * @param changeLogSize how many recent changes are kept for resuming clients
 * @param pauseAfter the view is reported paused to every client (and readiness goes DOWN) when Kafka has not answered
 *     the table reader for this long; a gateway's status is reported paused when its restatement is this much later
 *     than twice its promised interval; at least 3 s, so that one unanswered question to Kafka (asked every half
 *     second, answered within a second) never pauses the view by itself
 * @param eventLoops Netty event loops serving HTTP and writing the streams; 0 for one per core
 * @param requestHeadTimeout a connection that has not sent a complete request head this long after it opened (or
 *     after its last response ended) is closed, however slowly it trickles bytes
 * @param maxConnectionsPerAddress open connections one client address may hold; one more is closed at once. 0 turns
 *     the limit off (behind a proxy, where every connection comes from the proxy's address)
 * @param auth bearer-token check of the API, off while no token is configured
 * @param cors browser origins allowed to call the API from another site
 */
@ConfigurationProperties("crewstream.sse")
public record SseGatewayProperties(
        @DefaultValue("crewstream-sse-gateway") String clientId,
        @DefaultValue("15s") Duration heartbeat,
        @DefaultValue("3s") Duration retry,
        @DefaultValue("256") int clientQueueSize,
        @DefaultValue("30s") Duration slowClientTimeout,
        @DefaultValue("10000") int changeLogSize,
        @DefaultValue("3s") Duration pauseAfter,
        @DefaultValue("0") int eventLoops,
        @DefaultValue("10s") Duration requestHeadTimeout,
        @DefaultValue("256") int maxConnectionsPerAddress,
        @DefaultValue Auth auth,
        @DefaultValue Cors cors) {

    private static final Duration MIN_PAUSE_AFTER = Duration.ofSeconds(3);

    public SseGatewayProperties {
        requirePositive(heartbeat, "heartbeat");
        requirePositive(retry, "retry");
        requirePositive(slowClientTimeout, "slow-client-timeout");
        if (pauseAfter.compareTo(MIN_PAUSE_AFTER) < 0) {
            // The table reader completes a read and asks Kafka every half second, and waits up to a second for that.
            throw new IllegalArgumentException("crewstream.sse.pause-after must be at least " + MIN_PAUSE_AFTER
                    + " but was " + pauseAfter);
        }
        requirePositive(requestHeadTimeout, "request-head-timeout");
        if (clientQueueSize < 1 || changeLogSize < 1) {
            throw new IllegalArgumentException("crewstream.sse.client-queue-size and change-log-size must be at "
                    + "least 1");
        }
        if (eventLoops < 0) {
            throw new IllegalArgumentException("crewstream.sse.event-loops must be 0 (one per core) or more but was "
                    + eventLoops);
        }
        if (maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException("crewstream.sse.max-connections-per-address must be 0 (no limit) or "
                    + "more but was " + maxConnectionsPerAddress);
        }
    }

    /** The number of event loops to run: {@link #eventLoops()}, or one per core. */
    public int eventLoopCount() {
        return (this.eventLoops > 0) ? this.eventLoops : Runtime.getRuntime().availableProcessors();
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("crewstream.sse." + name + " must be positive but was " + duration);
        }
    }

    /**
     * @param tokens accepted bearer tokens; empty turns authentication off
     * @param cookieName the cookie a browser may carry the token in
     */
    public record Auth(@DefaultValue List<String> tokens, @DefaultValue("crewstream_token") String cookieName) {

        public Auth {
            tokens = List.copyOf(tokens);
        }

        public boolean enabled() {
            return !this.tokens.isEmpty();
        }

        @Override
        public String toString() {
            // Tokens are secrets: never part of a log line or an error message.
            return "Auth[tokens=" + this.tokens.size() + " configured, cookieName=" + this.cookieName + "]";
        }
    }

    /** @param allowedOrigins origins allowed by CORS; empty sends no CORS headers (same-origin only) */
    public record Cors(@DefaultValue List<String> allowedOrigins) {

        public Cors {
            allowedOrigins = List.copyOf(allowedOrigins);
        }
    }
}
