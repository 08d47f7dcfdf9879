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
 * @param individual whether the subject is one person or client (a JWT's {@code sub}), to whom the per-subject limits
 *     apply; false for a static token, which everyone who holds it shares (a team's wall of screens must not run
 *     into one person's limit: only the per-address limit applies to it), and when authentication is off
 */
public record Viewer(String subject, GatewayScope scope, Optional<Instant> expiresAt, boolean individual) {

    public static final String ANONYMOUS_SUBJECT = "anonymous";

    /** The caller when authentication is off: sees everything, forever. */
    public static final Viewer OPEN = new Viewer(ANONYMOUS_SUBJECT, GatewayScope.ALL, Optional.empty(), false);

    public Viewer {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** An individual's access (a JWT's). */
    public Viewer(String subject, GatewayScope scope, Optional<Instant> expiresAt) {
        this(subject, scope, expiresAt, true);
    }

    /** The n-th configured static token: every gateway, never expires, shared by all who hold it. */
    static Viewer staticToken(int index) {
        return new Viewer("static-token-" + index, GatewayScope.ALL, Optional.empty(), false);
    }

    /** Whether this access has ended at {@code now}. */
    public boolean expiredAt(Instant now) {
        return this.expiresAt.isPresent() && !now.isBefore(this.expiresAt.get());
    }
}
