package io.crewstream.ssegateway.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A bearer token presented to the API ({@link #unverified}), or the verified caller it stands for
 * ({@link #verified}). The verified form names the caller by the position of its token in the configuration and
 * holds no credentials: the token itself never outlives the check, never reaches a log line and never reaches a
 * response.
 */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final String principal;

    private transient String token;

    private ApiTokenAuthentication(String principal, String token, boolean verified) {
        super(List.of());
        this.principal = principal;
        this.token = token;
        setAuthenticated(verified);
    }

    static ApiTokenAuthentication unverified(String token) {
        return new ApiTokenAuthentication("unverified", token, false);
    }

    /** @param index the position of the matching token in {@code crewstream.sse.auth.tokens} */
    static ApiTokenAuthentication verified(int index) {
        return new ApiTokenAuthentication("api-token-" + index, null, true);
    }

    @Override
    public Object getCredentials() {
        return this.token;
    }

    @Override
    public Object getPrincipal() {
        return this.principal;
    }

    @Override
    public void eraseCredentials() {
        super.eraseCredentials();
        this.token = null;
    }

    @Override
    public String toString() {
        return "ApiTokenAuthentication[" + this.principal + ", authenticated=" + isAuthenticated() + "]";
    }
}
