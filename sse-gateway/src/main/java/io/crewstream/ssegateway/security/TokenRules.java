package io.crewstream.ssegateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.crewstream.schemas.sse.AuthRefusal;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The claims every JWT must satisfy once its signature checks out: an {@code exp} (a token that never expires cannot
 * be revoked by waiting), not expired and not before its {@code nbf}, both with at most the configured skew; the
 * configured issuer; the configured audience among its {@code aud}; a {@code sub}. A failure's
 * {@link OAuth2Error#getErrorCode() error code} is the {@link AuthRefusal} code to answer with, so that the caller
 * learns which rule failed, and its description is a fixed text (never a claim's value). Time comes from the injected
 * clock. Stateless and thread-safe.
 */
final class TokenRules implements OAuth2TokenValidator<Jwt> {

    private final String issuer;

    private final String audience;

    private final Duration clockSkew;

    private final Clock clock;

    TokenRules(String issuer, String audience, Duration clockSkew, Clock clock) {
        this.issuer = issuer;
        this.audience = audience;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        Instant now = this.clock.instant();
        Instant expiresAt = jwt.getExpiresAt();
        if (expiresAt == null) {
            return refuse(AuthRefusal.TOKEN_INVALID, "The token has no expiry (exp)");
        }
        if (!now.minus(this.clockSkew).isBefore(expiresAt)) {
            return refuse(AuthRefusal.TOKEN_EXPIRED, "The token has expired");
        }
        Instant notBefore = jwt.getNotBefore();
        if (notBefore != null && now.plus(this.clockSkew).isBefore(notBefore)) {
            return refuse(AuthRefusal.TOKEN_EXPIRED, "The token is not valid yet (nbf)");
        }
        if (!this.issuer.equals(jwt.getClaimAsString("iss"))) {
            return refuse(AuthRefusal.TOKEN_WRONG_ISSUER_OR_AUDIENCE, "The token was issued by another issuer");
        }
        List<String> audiences = jwt.getAudience();
        if (audiences == null || !audiences.contains(this.audience)) {
            return refuse(AuthRefusal.TOKEN_WRONG_ISSUER_OR_AUDIENCE, "The token is meant for another audience");
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            return refuse(AuthRefusal.TOKEN_INVALID, "The token has no subject (sub)");
        }
        return OAuth2TokenValidatorResult.success();
    }

    private static OAuth2TokenValidatorResult refuse(AuthRefusal refusal, String message) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(refusal.code(), message, null));
    }
}
