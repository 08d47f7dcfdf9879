package io.crewstream.ssegateway.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.ssegateway.SseGatewayProperties;
import reactor.core.publisher.Mono;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Turns a JWT into a {@link Viewer}: signature (Spring Security's Nimbus decoder for the {@link JwtKeySource}, which
 * refuses {@code alg: none} and any algorithm the key source does not allow), then {@link TokenRules}, then the scope
 * claim. Keys that cannot be fetched are {@link AuthRefusal#KEYS_UNAVAILABLE} (503), not a refused token. Every
 * refusal is an {@link AuthRefusedException} with a fixed message; a library's exception text (which can quote the
 * token) never reaches the caller or the log. Thread-safe.
 */
final class JwtTokens {

    private final ReactiveJwtDecoder decoder;

    private final String scopeClaim;

    private final Duration clockSkew;

    JwtTokens(ReactiveJwtDecoder decoder, String scopeClaim, Duration clockSkew) {
        this.decoder = decoder;
        this.scopeClaim = scopeClaim;
        this.clockSkew = clockSkew;
    }

    /**
     * The decoder for the configured key source ({@link JwtKeySource}), checking {@link TokenRules} with
     * {@code clock}.
     *
     * @param keySetHttp what a JWKS is fetched with ({@link JwtKeySource#keySetConnector})
     */
    static JwtTokens from(SseGatewayProperties.Jwt properties, ClientHttpConnector keySetHttp, Clock clock) {
        return from(JwtKeySource.of(properties, keySetHttp, clock), properties, clock);
    }

    private static JwtTokens from(JwtKeySource keys, SseGatewayProperties.Jwt properties, Clock clock) {
        TokenRules rules = new TokenRules(properties.issuer(), properties.audience(), properties.clockSkew(), clock);
        return new JwtTokens(keys.decoder(rules), properties.scopeClaim(), properties.clockSkew());
    }

    /** The token's viewer, or an {@link AuthRefusedException} saying why not. */
    Mono<Viewer> verify(String token) {
        // Deferred: a ReactiveJwtDecoder may throw rather than signal (the interface allows either).
        return Mono.defer(() -> this.decoder.decode(token)).map(this::viewer)
                .onErrorMap(JwtException.class, JwtTokens::refusal);
    }

    /**
     * Its access ends when the token stops being accepted: {@code exp} plus the skew. Ending a stream any earlier
     * would loop: the page would get a new ticket with the same, still accepted, token, and be cut off at once again.
     */
    private Viewer viewer(Jwt jwt) {
        return new Viewer(jwt.getSubject(), GatewayScope.of(scope(jwt.getClaims().get(this.scopeClaim))),
                Optional.of(jwt.getExpiresAt().plus(this.clockSkew)));
    }

    /** A JSON array of ids, or one string of ids separated by spaces or commas; anything else grants nothing. */
    private static Set<String> scope(Object claim) {
        Set<String> ids = new LinkedHashSet<>();
        if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                if (value instanceof String id && !id.isBlank()) {
                    ids.add(id.trim());
                }
            }
        }
        else if (claim instanceof String text) {
            Arrays.stream(text.split("[\\s,]+")).filter(id -> !id.isBlank()).forEach(ids::add);
        }
        return ids;
    }

    private static AuthRefusedException refusal(JwtException failure) {
        if (failure instanceof JwtValidationException invalid) {
            for (OAuth2Error error : invalid.getErrors()) {
                for (AuthRefusal refusal : AuthRefusal.values()) {
                    if (refusal.code().equals(error.getErrorCode())) {
                        return new AuthRefusedException(refusal, error.getDescription());
                    }
                }
            }
        }
        // A bad signature, an unsigned or malformed token, an algorithm the keys are not for, an unknown key id.
        return new AuthRefusedException(AuthRefusal.TOKEN_INVALID, "The token is not accepted");
    }
}
