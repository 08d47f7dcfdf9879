package io.crewstream.ssegateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.JWKSet;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * At most one JWKS request per {@link #MIN_INTERVAL}. Spring Security's JWKS source fetches the set again whenever a
 * token names a key id it does not hold (that is how a rotated key is found), so without a limit every request with
 * a made-up {@code kid} would be one request to the identity provider. Within the interval the set fetched last is
 * answered again, and a made-up key id is refused as invalid (401); requests arriving while a fetch is on its way
 * share it. A failed fetch (an error status, no answer, a body that is not a JWK set) is not kept: the next request
 * tries again (and gets 503 while the JWKS is down).
 * Thread-safe: a lock-free swap of the last fetch.
 */
final class KeySetFetches implements ExchangeFilterFunction {

    static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

    private final Clock clock;

    private final Runnable onFetched;

    private final AtomicReference<Fetch> last = new AtomicReference<>();

    /** @param onFetched called after each request that fetched a JWK set (not when one is answered again) */
    KeySetFetches(Clock clock, Runnable onFetched) {
        this.clock = clock;
        this.onFetched = onFetched;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        Instant now = this.clock.instant();
        Fetch current = this.last.get();
        Fetch fetch = current;
        if (current == null || current.failed().get() || !now.isBefore(current.startedAt().plus(MIN_INTERVAL))) {
            Fetch fresh = new Fetch(now, next.exchange(request).flatMap(KeySetFetches::bodyOrError)
                    .doOnNext(body -> this.onFetched.run()).cache(), new AtomicBoolean());
            fetch = this.last.compareAndSet(current, fresh) ? fresh : this.last.get();
        }
        Fetch answering = fetch;
        // However the shared fetch ends (or is cancelled by the caller that started it), no caller waits longer than
        // connecting and answering may take.
        return answering.body().timeout(JwtKeySource.KEY_SET_TIMEOUT.multipliedBy(2))
                .doOnError(failure -> answering.failed().set(true))
                .map(body -> ClientResponse.create(HttpStatus.OK).header(HttpHeaders.CONTENT_TYPE,
                        MediaType.APPLICATION_JSON_VALUE).body(body).build());
    }

    /** The body, if it is a JWK set: a set that is not one is a failed fetch, tried again at the next request. */
    private static Mono<String> bodyOrError(ClientResponse response) {
        if (!response.statusCode().is2xxSuccessful()) {
            return response.createException().flatMap(Mono::error);
        }
        return response.bodyToMono(String.class).defaultIfEmpty("").flatMap(body -> Mono.fromCallable(() -> {
            JWKSet.parse(body);
            return body;
        }));
    }

    /**
     * One request to the JWKS and its body, shared by whoever asks for it.
     *
     * @param failed set once it has failed: the next request fetches again
     */
    private record Fetch(Instant startedAt, Mono<String> body, AtomicBoolean failed) {
    }
}
