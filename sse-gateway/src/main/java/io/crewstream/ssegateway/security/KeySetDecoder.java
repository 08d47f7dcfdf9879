package io.crewstream.ssegateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * A JWKS decoder whose keys are at most {@link #MAX_AGE} old. Spring Security's reactive JWKS source keeps the set it
 * fetched for ever, unless a token names a key id missing from it: a key the identity provider removed (revoked) would
 * go on checking tokens until a restart. So once its decoder is older than that, the next token is checked by a new
 * one, which fetches the set again; it replaces the old decoder once it has accepted a token. If the set cannot be
 * fetched, the old keys go on checking tokens (an identity provider that is briefly down locks nobody out),
 * {@code onUnavailable} hears of it, and the next attempt is made {@link #RETRY} later, not at every request.
 * Thread-safe: a lock-free swap.
 */
final class KeySetDecoder implements ReactiveJwtDecoder {

    static final Duration MAX_AGE = Duration.ofMinutes(5);

    static final Duration RETRY = Duration.ofSeconds(30);

    private final Supplier<ReactiveJwtDecoder> newDecoder;

    private final Consumer<IllegalStateException> onUnavailable;

    private final Clock clock;

    private final AtomicReference<Current> current = new AtomicReference<>();

    /**
     * @param newDecoder a decoder with nothing fetched yet, signalling keys that cannot be fetched with an
     *     {@link IllegalStateException} (as Spring Security's does)
     */
    KeySetDecoder(Supplier<ReactiveJwtDecoder> newDecoder, Consumer<IllegalStateException> onUnavailable,
            Clock clock) {
        this.newDecoder = newDecoder;
        this.onUnavailable = onUnavailable;
        this.clock = clock;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Instant now = this.clock.instant();
        Current used = this.current.get();
        if (used == null) {
            this.current.compareAndSet(null, new Current(this.newDecoder.get(), now.plus(MAX_AGE)));
            return this.current.get().decoder().decode(token);
        }
        if (now.isBefore(used.refreshAt())) {
            return used.decoder().decode(token);
        }
        Current fresh = new Current(this.newDecoder.get(), now.plus(MAX_AGE));
        return Mono.defer(() -> fresh.decoder().decode(token))
                .doOnSuccess(jwt -> this.current.compareAndSet(used, fresh))
                .onErrorResume(failure -> {
                    if (failure instanceof IllegalStateException unavailable) {
                        this.onUnavailable.accept(unavailable);
                        this.current.compareAndSet(used, new Current(used.decoder(), now.plus(RETRY)));
                        return used.decoder().decode(token);
                    }
                    // Refused by the fresh keys (a removed key's tokens are, now). Not kept: a refusal can come before
                    // any fetch (a malformed token), and an unfetched decoder would drop the old keys' fallback.
                    return Mono.error(failure);
                });
    }

    /** The decoder in use, and when to try a new one. */
    private record Current(ReactiveJwtDecoder decoder, Instant refreshAt) {
    }
}
