package io.crewstream.ssegateway.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.proc.JWKSecurityContext;
import com.nimbusds.jose.proc.JWSKeySelector;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.ssegateway.SseGatewayProperties;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Flux;

import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Where the keys that sign JWTs come from, exactly one of {@code crewstream.sse.auth.jwt.secret},
 * {@code public-key} and {@code jwks-uri}, and the signature check each makes: Spring Security's Nimbus decoder,
 * allowing only the algorithms its keys are for. That is what refuses algorithm confusion (an HS256 token whose
 * "secret" is the public key's bytes: HS256 is not allowed with a public key or a JWKS) and {@code alg: none}. The
 * claims are checked afterwards ({@link TokenRules}). Immutable; the decoders are thread-safe.
 */
sealed interface JwtKeySource {

    /** RSA and EC signatures: what identity providers sign with (PS* is left out until someone needs it). */
    List<SignatureAlgorithm> KEY_SET_ALGORITHMS = List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384,
            SignatureAlgorithm.RS512, SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512);

    /** A JWKS that has not answered this long has failed: the request waiting for it gets a 503, not a hang. */
    Duration KEY_SET_TIMEOUT = Duration.ofSeconds(5);

    /** What a 503 for unavailable keys suggests the client waits. */
    Duration KEY_SET_RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * The decoder checking a token's signature, then its claims with {@code rules}; replacing the builders' default
     * validator, which reads the system clock and checks neither the audience nor the subject.
     */
    ReactiveJwtDecoder decoder(TokenRules rules);

    /**
     * The configured key source.
     *
     * @param keySetHttp the HTTP connector a JWKS is fetched with ({@link #keySetConnector}); unused otherwise
     */
    static JwtKeySource of(SseGatewayProperties.Jwt properties, ClientHttpConnector keySetHttp, Clock clock) {
        if (properties.secret() != null) {
            return new Secret(properties.secret());
        }
        if (properties.publicKey() != null) {
            return new PublicKey(PublicKeyPem.parse(properties.publicKey()));
        }
        if (properties.jwksUri() != null) {
            URI uri = URI.create(properties.jwksUri());
            // Host and port only: a URL's user-info would be a credential.
            KeySetOutage outage = new KeySetOutage(uri.getHost() + ((uri.getPort() >= 0) ? ":" + uri.getPort() : ""),
                    clock);
            return new KeySet(uri, WebClient.builder().clientConnector(keySetHttp)
                    .filter(new KeySetFetches(clock, outage::keysObtained)).build(), outage, clock);
        }
        throw new IllegalArgumentException("crewstream.sse.auth.jwt: no key source (secret, public-key or jwks-uri)");
    }

    /**
     * Fetches a JWKS on the application's own event loops without blocking them (Reactor Netty), giving up after
     * {@link #KEY_SET_TIMEOUT} to connect or to answer.
     */
    static ClientHttpConnector keySetConnector(ReactorResourceFactory resources) {
        return new ReactorClientHttpConnector(resources, http -> http
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) KEY_SET_TIMEOUT.toMillis())
                .responseTimeout(KEY_SET_TIMEOUT));
    }

    private static NimbusReactiveJwtDecoder validating(NimbusReactiveJwtDecoder decoder, TokenRules rules) {
        decoder.setJwtValidator(rules);
        return decoder;
    }

    /** HS256 with a shared secret (small setups; the gateway could mint tokens too, so keep it secret). */
    record Secret(String secret) implements JwtKeySource {

        @Override
        public ReactiveJwtDecoder decoder(TokenRules rules) {
            SecretKeySpec key = new SecretKeySpec(this.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
            return validating(NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build(),
                    rules);
        }

        @Override
        public String toString() {
            return "Secret[HS256]";
        }
    }

    /**
     * One RSA or EC public key, with the algorithms it is for. Whatever key id a token names ({@code kid}: identity
     * providers set one even when there is one key), this key checks it.
     */
    record PublicKey(PublicKeyPem pem) implements JwtKeySource {

        @Override
        public ReactiveJwtDecoder decoder(TokenRules rules) {
            JWSKeySelector<JWKSecurityContext> oneKey = (header, context) -> this.pem.algorithms()
                    .contains(header.getAlgorithm()) ? List.of(this.pem.key()) : List.of();
            return validating(NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.empty())
                    .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(oneKey)).build(), rules);
        }
    }

    /**
     * An identity provider's JWKS, fetched when first needed and again when a token names a key id it does not hold
     * (a rotated key), at most once per {@link KeySetFetches#MIN_INTERVAL}, and when the keys are older than
     * {@link KeySetDecoder#MAX_AGE} (a removed key stops checking tokens). Keys that cannot be fetched (unreachable,
     * an error status, not a JWK set) are no verdict on the token: {@link AuthRefusal#KEYS_UNAVAILABLE} (503), logged
     * by {@link KeySetOutage}.
     */
    record KeySet(URI uri, WebClient http, KeySetOutage outage, Clock clock) implements JwtKeySource {

        @Override
        public ReactiveJwtDecoder decoder(TokenRules rules) {
            KeySetDecoder refreshing = new KeySetDecoder(() -> validating(NimbusReactiveJwtDecoder
                    .withJwkSetUri(this.uri.toString()).jwsAlgorithms(algorithms -> algorithms.addAll(
                            KEY_SET_ALGORITHMS)).webClient(this.http).build(), rules),
                    this.outage::keysUnavailable, this.clock);
            return token -> refreshing.decode(token)
                    // The decoder's sign that the keys could not be obtained (its JwtExceptions are the token's fault).
                    .onErrorMap(IllegalStateException.class, this::unavailable);
        }

        private AuthRefusedException unavailable(IllegalStateException failure) {
            this.outage.keysUnavailable(failure);
            return new AuthRefusedException(AuthRefusal.KEYS_UNAVAILABLE, "The identity provider's keys cannot be "
                    + "fetched, so no token can be checked now: this is not a problem with your token; retry later");
        }
    }
}
