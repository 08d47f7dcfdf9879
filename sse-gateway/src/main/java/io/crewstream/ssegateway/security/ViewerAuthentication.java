package io.crewstream.ssegateway.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A verified caller in Spring Security's context: its principal is the {@link Viewer}. It holds no credentials,
 * whatever they were (a static token, a JWT, a ticket): they never outlive the check, so they can reach neither a log
 * line nor a response.
 */
public final class ViewerAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final transient Viewer viewer;

    public ViewerAuthentication(Viewer viewer) {
        super(List.of());
        this.viewer = viewer;
        setAuthenticated(true);
    }

    public Viewer viewer() {
        return this.viewer;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return this.viewer;
    }

    @Override
    public String getName() {
        return this.viewer.subject();
    }

    @Override
    public String toString() {
        return "ViewerAuthentication[" + this.viewer.subject() + "]";
    }
}
