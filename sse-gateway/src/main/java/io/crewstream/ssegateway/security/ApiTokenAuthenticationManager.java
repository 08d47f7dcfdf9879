package io.crewstream.ssegateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;

/**
 * Accepts a presented token that equals one of the configured ones, compared in constant time. Stateless and
 * thread-safe.
 */
final class ApiTokenAuthenticationManager implements ReactiveAuthenticationManager {

    private final List<byte[]> tokens;

    ApiTokenAuthenticationManager(List<String> tokens) {
        this.tokens = tokens.stream().map(token -> token.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        byte[] candidate = String.valueOf(authentication.getCredentials()).getBytes(StandardCharsets.UTF_8);
        int matched = -1;
        for (int i = 0; i < this.tokens.size(); i++) {
            // No early exit: the time taken does not tell which token (or how much of one) matched.
            if (MessageDigest.isEqual(this.tokens.get(i), candidate)) {
                matched = i;
            }
        }
        if (matched < 0) {
            return Mono.error(new BadCredentialsException("The token is not accepted"));
        }
        return Mono.just(ApiTokenAuthentication.verified(matched));
    }
}
