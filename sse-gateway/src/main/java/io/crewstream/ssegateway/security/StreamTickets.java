package io.crewstream.ssegateway.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.StreamTicket;
import io.crewstream.ssegateway.SseGatewayProperties;

/**
 * Issues and redeems stream tickets: a {@link Viewer} sealed into a short-lived, single-use HS256 JWT (Nimbus JOSE)
 * that {@code GET /api/events?ticket=} accepts in place of the caller's token. Self-contained, so any instance that
 * shares {@code crewstream.sse.auth.tickets.secret} can redeem it; single use is enforced per instance
 * ({@link RedeemedTickets}: the ids it has redeemed are kept until they expire, seconds later): with N instances
 * behind a balancer and a shared secret, a ticket caught in transit could open at most one stream per instance, within
 * its few seconds. A ticket never outlives the access it was issued for, and the stream it opens ends when that access
 * does.
 *
 * <p>Time: a ticket's {@code exp} is in whole seconds (JWT), rounded up from now + ttl, or down from the end of the
 * access when that comes first; {@link StreamTicket#expiresAt} is that same instant. Instances sharing the secret
 * judge a ticket's expiry by their own clocks: a redeeming instance whose clock is behind the issuer's by d accepts its
 * tickets d longer, one ahead by d accepts them d shorter (and refuses every one as expired once d reaches the ttl).
 * Single use does not depend on the clocks: an instance keeps an id for as long as its own clock would accept the
 * ticket. Keep the clocks synchronized (NTP), as JWT validation needs anyway.
 *
 * <p>Threading: {@link #issue} and {@link #redeem} may be called from any thread. Constructing draws the per-instance
 * secret when none is configured; nothing else happens until a call.
 */
public final class StreamTickets {

    /** The audience of every ticket: a ticket is not a token, and nothing else of ours may accept it. */
    static final String AUDIENCE = "crewstream-stream-ticket";

    private static final String SCOPE_CLAIM = "gw";

    private static final String ACCESS_EXPIRES_CLAIM = "axp";

    /** Present (true) on a ticket of a shared static token, to which the per-subject limits do not apply. */
    private static final String SHARED_CLAIM = "shr";

    private static final int SECRET_BYTES = 32;

    private final byte[] secret;

    private final Duration ttl;

    private final Clock clock;

    private final SecureRandom random;

    private final RedeemedTickets redeemed = new RedeemedTickets();

    public StreamTickets(SseGatewayProperties.Tickets properties, Clock clock, SecureRandom random) {
        this.ttl = properties.ttl();
        this.clock = clock;
        this.random = random;
        if (properties.secret() != null) {
            this.secret = properties.secret().getBytes(StandardCharsets.UTF_8);
        }
        else {
            this.secret = new byte[SECRET_BYTES];
            random.nextBytes(this.secret);
        }
    }

    /** A ticket for {@code viewer}, good for the configured time-to-live or until its access ends, whichever first. */
    public StreamTicket issue(Viewer viewer) {
        Instant now = this.clock.instant();
        // JWT times are whole seconds: rounded so that the ticket lives at least its ttl, and never past the access.
        Instant expiresAt = ceilToSecond(now.plus(this.ttl));
        if (viewer.expiresAt().isPresent()) {
            Instant accessEnds = viewer.expiresAt().get().truncatedTo(ChronoUnit.SECONDS);
            if (accessEnds.isBefore(expiresAt)) {
                expiresAt = accessEnds;
            }
            if (!expiresAt.isAfter(now)) {
                // Its access ends within this second: a ticket could only ever be refused.
                throw new AuthRefusedException(AuthRefusal.TOKEN_EXPIRED, "The token has expired");
            }
        }
        byte[] id = new byte[16];
        this.random.nextBytes(id);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(id))
                .subject(viewer.subject())
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .claim(SCOPE_CLAIM, gateways(viewer.scope()));
        viewer.expiresAt().ifPresent(access -> claims.claim(ACCESS_EXPIRES_CLAIM, access.toEpochMilli()));
        if (!viewer.individual()) {
            claims.claim(SHARED_CLAIM, true);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(this.secret));
        }
        catch (JOSEException ex) {
            throw new IllegalStateException("Could not sign a stream ticket", ex);
        }
        return new StreamTicket(jwt.serialize(), expiresAt.toEpochMilli(),
                viewer.expiresAt().map(Instant::toEpochMilli).orElse(null), gateways(viewer.scope()));
    }

    /**
     * The viewer a ticket was issued for; consumes the ticket.
     *
     * @throws AuthRefusedException {@code ticket_invalid} (not one of ours, or tampered with), {@code ticket_expired},
     *     {@code ticket_used}
     */
    public Viewer redeem(String ticket) {
        JWTClaimsSet claims = verified(ticket);
        RedeemedTickets.Outcome outcome = this.redeemed.redeem(claims.getJWTID(),
                claims.getExpirationTime().getTime(), this.clock.millis());
        if (outcome == RedeemedTickets.Outcome.EXPIRED) {
            throw new AuthRefusedException(AuthRefusal.TICKET_EXPIRED,
                    "The stream ticket has expired; get a new one (POST /api/stream-tickets)");
        }
        if (outcome == RedeemedTickets.Outcome.USED) {
            throw new AuthRefusedException(AuthRefusal.TICKET_USED,
                    "The stream ticket has been used already; get a new one (POST /api/stream-tickets)");
        }
        Optional<Instant> accessExpiresAt = Optional.ofNullable(claims.getClaim(ACCESS_EXPIRES_CLAIM))
                .map(value -> Instant.ofEpochMilli(((Number) value).longValue()));
        return new Viewer(claims.getSubject(), scope(claims.getClaim(SCOPE_CLAIM)), accessExpiresAt,
                !Boolean.TRUE.equals(claims.getClaim(SHARED_CLAIM)));
    }

    private JWTClaimsSet verified(String ticket) {
        try {
            SignedJWT jwt = SignedJWT.parse(ticket);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(new MACVerifier(this.secret))) {
                throw invalid();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Object accessExpires = claims.getClaim(ACCESS_EXPIRES_CLAIM);
            if (claims.getAudience() == null || !claims.getAudience().contains(AUDIENCE) || claims.getJWTID() == null
                    || claims.getSubject() == null || claims.getExpirationTime() == null
                    || !(accessExpires == null || accessExpires instanceof Number)) {
                throw invalid();
            }
            return claims;
        }
        catch (ParseException | JOSEException | ClassCastException ex) {
            throw invalid();
        }
    }

    private static AuthRefusedException invalid() {
        return new AuthRefusedException(AuthRefusal.TICKET_INVALID,
                "The stream ticket is not valid here; get a new one (POST /api/stream-tickets)");
    }

    /** Redeemed ids this instance keeps: for tests of their bound. */
    int redeemedKept() {
        return this.redeemed.size();
    }

    private static Instant ceilToSecond(Instant instant) {
        Instant whole = instant.truncatedTo(ChronoUnit.SECONDS);
        return whole.equals(instant) ? whole : whole.plusSeconds(1);
    }

    /** The scope as the ticket's claim and its body say it: sorted ids, or {@code ["*"]}. */
    private static List<String> gateways(GatewayScope scope) {
        return (scope instanceof GatewayScope.Only only) ? only.connectionIds().stream().sorted().toList()
                : List.of(GatewayScope.WILDCARD);
    }

    /** The inverse of {@link #gateways}: {@code ["*"]} is every gateway ({@link GatewayScope#of}). */
    private static GatewayScope scope(Object claim) {
        if (claim instanceof List<?> ids) {
            return GatewayScope.of(ids.stream().map(String::valueOf).collect(Collectors.toSet()));
        }
        throw invalid();
    }
}
