package io.crewstream.ssegateway.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling, as far as what they may see is concerned: a subject (for limits and logs; never a credential), the
 * gateways they may see, and when their access ends. Made by authentication (a static token, a JWT, a stream
 * ticket) and read by every endpoint through {@link Viewers#current}. Immutable.
 *
 * @param subject the JWT's {@code sub}, or {@code static-token-<n>} for the n-th static token, or
 *     {@value #ANONYMOUS_SUBJECT} when authentication is off
 * @param scope the gateways this caller may see
 * @param expiresAt when this access ends: when its token stops being accepted (a JWT's {@code exp} plus the allowed
 *     clock skew); empty when it never does (a static token, or authentication off)
 */
public record Viewer(String subject, GatewayScope scope, Optional<Instant> expiresAt) {

    public static final String ANONYMOUS_SUBJECT = "anonymous";

    /** The caller when authentication is off: sees everything, forever. */
    public static final Viewer OPEN = new Viewer(ANONYMOUS_SUBJECT, GatewayScope.ALL, Optional.empty());

    public Viewer {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether this access has ended at {@code now}. */
    public boolean expiredAt(Instant now) {
        return this.expiresAt.isPresent() && !now.isBefore(this.expiresAt.get());
    }
}
