package io.crewstream.ssegateway;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.crewstream.ssegateway.security.PublicKeyPem;

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
 * @param auth who may call the API: static tokens, JWTs, stream tickets and their limits; off while neither tokens
 *     nor a JWT key source is configured
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
     * Who may call the API. Off (everything open) while neither static tokens nor a JWT key source is configured;
     * with either, every non-public path needs credentials. Both may be on at once: a presented token is first
     * compared with the static ones, then validated as a JWT.
     *
     * @param tokens static bearer tokens (the simple mode); each sees every gateway and never expires
     * @param cookieName the cookie a same-site browser page may carry its token in (static or JWT)
     * @param jwt JWT bearer tokens, from an identity provider or signed with a shared secret
     * @param tickets the stream tickets of {@code POST /api/stream-tickets}
     * @param maxStreamsPerSubject open event streams one subject (a static token, a JWT {@code sub}) may hold; one
     *     more is a 429. 0 turns the limit off. (Per client address: {@code max-connections-per-address}.)
     */
    public record Auth(@DefaultValue List<String> tokens, @DefaultValue("crewstream_token") String cookieName,
            @DefaultValue Jwt jwt, @DefaultValue Tickets tickets, @DefaultValue("32") int maxStreamsPerSubject) {

        public Auth {
            // An empty entry (CREWSTREAM_SSE_AUTH_TOKENS= passed through unset, as compose does) is no token: it must
            // neither turn authentication on nor be accepted.
            tokens = tokens.stream().filter(token -> token != null && !token.isBlank()).toList();
            if (maxStreamsPerSubject < 0) {
                throw new IllegalArgumentException("crewstream.sse.auth.max-streams-per-subject must be 0 (no limit) "
                        + "or more but was " + maxStreamsPerSubject);
            }
        }

        public boolean enabled() {
            return !this.tokens.isEmpty() || this.jwt.enabled();
        }

        @Override
        public String toString() {
            // Tokens are secrets: never part of a log line or an error message.
            return "Auth[tokens=" + this.tokens.size() + " configured, cookieName=" + this.cookieName + ", jwt="
                    + this.jwt + ", tickets=" + this.tickets + ", maxStreamsPerSubject=" + this.maxStreamsPerSubject
                    + "]";
        }
    }

    /**
     * JWT bearer tokens. Exactly one key source turns them on: {@code secret} (HS256, for small setups),
     * {@code public-key} (a PEM RSA or EC public key: RS256/384/512, ES256/384/512) or {@code jwks-uri} (an identity
     * provider's key set, fetched and refreshed by key id). The issuer and the audience are then required, and
     * checked on every token, like its expiry and not-before, with at most {@code clock-skew} of tolerance. A token
     * signed with an algorithm its key source does not allow (including {@code none}) is refused.
     *
     * @param secret HS256 shared secret, at least 32 bytes (UTF-8)
     * @param publicKey PEM text of an RSA or EC public key ({@code -----BEGIN PUBLIC KEY-----})
     * @param jwksUri the identity provider's JWKS URL ({@code https://idp.example.com/.well-known/jwks.json})
     * @param issuer the required {@code iss} claim
     * @param audience the required value of the {@code aud} claim (a token may list others too)
     * @param scopeClaim the claim listing the gateway connection ids a token may see: a JSON array or a
     *     space/comma-separated string; {@code *} for all. A token without it sees no gateway.
     * @param clockSkew tolerance on {@code exp} and {@code nbf}; at most 5 minutes
     */
    public record Jwt(String secret, String publicKey, String jwksUri, String issuer, String audience,
            @DefaultValue("crewstream_gateways") String scopeClaim, @DefaultValue("30s") Duration clockSkew) {

        static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

        static final int MIN_SECRET_BYTES = 32;

        public Jwt {
            secret = blankToNull(secret);
            publicKey = blankToNull(publicKey);
            jwksUri = blankToNull(jwksUri);
            issuer = blankToNull(issuer);
            audience = blankToNull(audience);
            int sources = (secret != null ? 1 : 0) + (publicKey != null ? 1 : 0) + (jwksUri != null ? 1 : 0);
            if (sources > 1) {
                throw new IllegalArgumentException("crewstream.sse.auth.jwt: set one of secret, public-key and "
                        + "jwks-uri, not " + sources);
            }
            if (sources == 1 && (issuer == null || audience == null)) {
                throw new IllegalArgumentException("crewstream.sse.auth.jwt.issuer and audience are required with "
                        + "JWT tokens: a token minted by the same identity provider for another application must not "
                        + "open this one");
            }
            if (publicKey != null) {
                // Refused at start, with the other settings, rather than by the first request.
                PublicKeyPem.parse(publicKey);
            }
            if (jwksUri != null) {
                requireKeySetUri(jwksUri);
            }
            if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                // The length only: the message may be logged.
                throw new IllegalArgumentException("crewstream.sse.auth.jwt.secret must be at least "
                        + MIN_SECRET_BYTES + " bytes (HS256) but has "
                        + secret.getBytes(StandardCharsets.UTF_8).length);
            }
            if (scopeClaim == null || scopeClaim.isBlank()) {
                throw new IllegalArgumentException("crewstream.sse.auth.jwt.scope-claim must not be blank");
            }
            if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("crewstream.sse.auth.jwt.clock-skew must be between 0 and "
                        + MAX_CLOCK_SKEW + " but was " + clockSkew);
            }
        }

        public boolean enabled() {
            return this.secret != null || this.publicKey != null || this.jwksUri != null;
        }

        private static void requireKeySetUri(String jwksUri) {
            URI uri;
            try {
                uri = new URI(jwksUri);
            }
            catch (URISyntaxException ex) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null
                    || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException("crewstream.sse.auth.jwt.jwks-uri must be an absolute http(s) URL "
                        + "(https://idp.example.com/.well-known/jwks.json)");
            }
        }

        @Override
        public String toString() {
            String source = this.secret != null ? "secret" : this.publicKey != null ? "public-key"
                    : this.jwksUri != null ? "jwks-uri" : "off";
            return "Jwt[keys=" + source + ", issuer=" + this.issuer + ", audience=" + this.audience + ", scopeClaim="
                    + this.scopeClaim + ", clockSkew=" + this.clockSkew + "]";
        }
    }

    /**
     * Stream tickets: what a browser's EventSource (which cannot set headers) presents instead of its token.
     *
     * @param ttl how long a ticket opens a stream; at most 5 minutes
     * @param secret key the tickets are signed with (at least 32 bytes). Set it, the same on every instance, when
     *     more than one SSE gateway serves the same browsers: a ticket is then good on any of them. Unset, each
     *     instance draws its own at start, and its tickets open streams on it only.
     * @param perMinute tickets one subject may obtain per minute; one more is a 429. 0 turns the cap off.
     */
    public record Tickets(@DefaultValue("30s") Duration ttl, String secret, @DefaultValue("30") int perMinute) {

        static final Duration MAX_TTL = Duration.ofMinutes(5);

        public Tickets {
            secret = blankToNull(secret);
            if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
                throw new IllegalArgumentException("crewstream.sse.auth.tickets.ttl must be positive and at most "
                        + MAX_TTL + " but was " + ttl);
            }
            if (secret != null
                    && secret.getBytes(StandardCharsets.UTF_8).length < Jwt.MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("crewstream.sse.auth.tickets.secret must be at least "
                        + Jwt.MIN_SECRET_BYTES + " bytes");
            }
            if (perMinute < 0) {
                throw new IllegalArgumentException("crewstream.sse.auth.tickets.per-minute must be 0 (no cap) or "
                        + "more but was " + perMinute);
            }
        }

        @Override
        public String toString() {
            return "Tickets[ttl=" + this.ttl + ", secret=" + (this.secret != null ? "set" : "per instance")
                    + ", perMinute=" + this.perMinute + "]";
        }
    }

    private static String blankToNull(String value) {
        return (value == null || value.isBlank()) ? null : value.trim();
    }

    /** @param allowedOrigins origins allowed by CORS; empty sends no CORS headers (same-origin only) */
    public record Cors(@DefaultValue List<String> allowedOrigins) {

        public Cors {
            allowedOrigins = List.copyOf(allowedOrigins);
        }
    }
}
