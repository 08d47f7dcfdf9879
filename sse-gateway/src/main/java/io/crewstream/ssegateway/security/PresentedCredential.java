package io.crewstream.ssegateway.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * Credentials as a request presented them, not yet checked: where they came from decides what they may be (a JWT is
 * refused in a URL; a ticket opens only an event stream). Replaced by a {@link ViewerAuthentication} once checked, or
 * refused; the value never outlives the check and never reaches a log line ({@link #toString} omits it).
 */
final class PresentedCredential extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    /** Where a credential was found. */
    enum Source {
        /** {@code Authorization: Bearer}. */
        HEADER,
        /** The configured cookie (same-site pages). */
        COOKIE,
        /** {@code ?access_token=} or CrewHub's {@code ?token=}: static tokens only. */
        QUERY,
        /** {@code ?ticket=} on {@code GET /api/events}. */
        TICKET
    }

    private final Source source;

    private transient String value;

    PresentedCredential(Source source, String value) {
        super(List.of());
        this.source = source;
        this.value = value;
    }

    Source source() {
        return this.source;
    }

    @Override
    public Object getCredentials() {
        return this.value;
    }

    @Override
    public Object getPrincipal() {
        return "unverified";
    }

    @Override
    public void eraseCredentials() {
        super.eraseCredentials();
        this.value = null;
    }

    @Override
    public String toString() {
        return "PresentedCredential[" + this.source + "]";
    }
}
