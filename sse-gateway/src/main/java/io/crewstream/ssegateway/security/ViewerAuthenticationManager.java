package io.crewstream.ssegateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

import io.crewstream.schemas.sse.AuthRefusal;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;

/**
 * Checks a {@link PresentedCredential} and answers the {@link Viewer} it stands for, or an
 * {@link AuthRefusedException} saying why not:
 *
 * <ul>
 * <li>a stream ticket is redeemed ({@link StreamTickets}), once;</li>
 * <li>a static token (compared in constant time with every configured one) sees every gateway and never expires;</li>
 * <li>anything else is validated as a JWT ({@link JwtTokens}), unless it came in a URL: a JWT is long-lived and
 * carries identity, and URLs end up in histories and access logs ({@code token_in_url}; get a ticket instead).</li>
 * </ul>
 *
 * Stateless apart from the tickets' memory; thread-safe.
 */
final class ViewerAuthenticationManager implements ReactiveAuthenticationManager {

    private final List<byte[]> staticTokens;

    private final Optional<JwtTokens> jwt;

    private final StreamTickets tickets;

    ViewerAuthenticationManager(List<String> staticTokens, Optional<JwtTokens> jwt, StreamTickets tickets) {
        this.staticTokens = staticTokens.stream().map(ViewerAuthenticationManager::digest).toList();
        this.jwt = jwt;
        this.tickets = tickets;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        PresentedCredential credential = (PresentedCredential) authentication;
        String value = String.valueOf(credential.getCredentials());
        if (credential.source() == PresentedCredential.Source.TICKET) {
            return Mono.fromCallable(() -> new ViewerAuthentication(this.tickets.redeem(value)));
        }
        int matched = staticToken(value);
        if (matched >= 0) {
            return Mono.just(new ViewerAuthentication(Viewer.staticToken(matched)));
        }
        if (this.jwt.isEmpty()) {
            return Mono.error(new AuthRefusedException(AuthRefusal.TOKEN_INVALID, "The token is not accepted"));
        }
        if (credential.source() == PresentedCredential.Source.QUERY) {
            return Mono.error(new AuthRefusedException(AuthRefusal.TOKEN_IN_URL, "A JWT must not be sent in a URL: "
                    + "send it as 'Authorization: Bearer', or exchange it for a stream ticket (POST "
                    + "/api/stream-tickets) to open an event stream"));
        }
        return this.jwt.get().verify(value).map(ViewerAuthentication::new);
    }

    /**
     * The index of the configured static token equal to {@code candidate}, or -1. Digests are compared, in constant
     * time and with no early exit: the time taken tells neither which token matched, nor how much of one, nor a
     * token's length (comparing the values themselves returns at once when their lengths differ).
     */
    private int staticToken(String candidate) {
        byte[] presented = digest(candidate);
        int matched = -1;
        for (int i = 0; i < this.staticTokens.size(); i++) {
            if (MessageDigest.isEqual(this.staticTokens.get(i), presented)) {
                matched = i;
            }
        }
        return matched;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java platform has SHA-256", ex);
        }
    }
}
