package io.crewstream.ssegateway.security;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.ssegateway.SseGatewayProperties;
import io.crewstream.ssegateway.support.JwksServer;
import io.crewstream.ssegateway.support.TestTokens;
import io.crewstream.testsupport.time.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.crewstream.ssegateway.security.JwtTokensTest.accept;
import static io.crewstream.ssegateway.security.JwtTokensTest.claims;
import static io.crewstream.ssegateway.security.JwtTokensTest.refusal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWTs checked against an identity provider's JWKS served by a real HTTP server: keys found by key id, a rotated key
 * fetched when a token first names it (at most one fetch per interval, whatever key ids tokens make up), and a JWKS
 * that cannot be fetched answered as the service's failure
 * ({@code keys_unavailable}), logged once with its host and never with a token, then forgotten when it answers again.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeySetTokensTest {

    private static final KeyPair RSA_1 = TestTokens.rsaKeys();

    private static final KeyPair RSA_2 = TestTokens.rsaKeys();

    private static final KeyPair EC = TestTokens.ecKeys("secp256r1");

    private final JwksServer jwks = JwksServer.start();

    private final MovableClock clock = new MovableClock(JwtTokensTest.NOW);

    private final JwtTokens tokens = JwtTokensTest.tokens(new SseGatewayProperties.Jwt(null, null, this.jwks.uri(),
            TestTokens.ISSUER, TestTokens.AUDIENCE, TestTokens.SCOPE_CLAIM, Duration.ofSeconds(30)), this.clock);

    @AfterEach
    void stop() {
        this.jwks.close();
    }

    @Test
    void tokensSignedWithAnyKeyOfTheSetAreAcceptedByKeyIdAndTheSetIsFetchedOnce() {
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", RSA_1, "ec-1", EC)));

        assertThat(accept(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_1, "rsa-1", claims(List.of("gw-a"))))
                .subject()).isEqualTo("alice");
        assertThat(accept(this.tokens, TestTokens.signed(JWSAlgorithm.ES256, EC, "ec-1", claims(List.of("gw-a"))))
                .subject()).isEqualTo("alice");
        assertThat(accept(this.tokens, TestTokens.signed(JWSAlgorithm.RS512, RSA_1, "rsa-1", claims(List.of("*"))))
                .scope()).isEqualTo(GatewayScope.ALL);
        assertThat(this.jwks.requests()).as("cached after the first fetch").isEqualTo(1);
    }

    @Test
    void claimsAreCheckedAfterTheKeySetSignature() {
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", RSA_1)));

        assertThat(refusal(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_1, "rsa-1",
                claims(List.of("*")).audience("another-app")))).isEqualTo(AuthRefusal.TOKEN_WRONG_ISSUER_OR_AUDIENCE);
        assertThat(refusal(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_1, "rsa-1",
                JwtTokensTest.claims(java.time.Instant.parse("2026-03-01T11:00:00Z")))))
                .isEqualTo(AuthRefusal.TOKEN_EXPIRED);
    }

    @Test
    void aRotatedKeyIsFetchedWhenATokenFirstNamesItAndARemovedOneIsRefused() {
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", RSA_1)));
        String old = TestTokens.signed(JWSAlgorithm.RS256, RSA_1, "rsa-1", claims(List.of("*")));
        assertThat(accept(this.tokens, old).subject()).isEqualTo("alice");

        this.jwks.serve(TestTokens.jwks(Map.of("rsa-2", RSA_2)));
        String rotated = TestTokens.signed(JWSAlgorithm.RS256, RSA_2, "rsa-2", claims(List.of("*")));
        assertThat(refusal(this.tokens, rotated)).as("the set was fetched less than the interval ago")
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
        this.clock.advance(KeySetFetches.MIN_INTERVAL);
        assertThat(accept(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_2, "rsa-2", claims(List.of("*"))))
                .subject()).isEqualTo("alice");
        assertThat(this.jwks.requests()).isEqualTo(2);
        assertThat(refusal(this.tokens, old)).as("its key is no longer in the set")
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
    }

    @Test
    void aKeyRemovedFromTheSetStopsCheckingTokensOnceTheKeysAreOlderThanTheirMaxAge() {
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", RSA_1, "rsa-2", RSA_2)));
        String revoked = TestTokens.signed(JWSAlgorithm.RS256, RSA_1, "rsa-1", claims(List.of("*")));
        String kept = TestTokens.signed(JWSAlgorithm.RS256, RSA_2, "rsa-2", claims(List.of("*")));
        assertThat(accept(this.tokens, revoked).subject()).isEqualTo("alice");

        this.jwks.serve(TestTokens.jwks(Map.of("rsa-2", RSA_2)));
        this.clock.advance(KeySetDecoder.MAX_AGE.minusSeconds(1));
        assertThat(accept(this.tokens, revoked).subject()).as("the keys are not old enough yet").isEqualTo("alice");
        this.clock.advance(Duration.ofSeconds(1));
        assertThat(refusal(this.tokens, revoked)).isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(accept(this.tokens, kept).subject()).isEqualTo("alice");
        assertThat(refusal(this.tokens, revoked)).as("the new keys are in use").isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(this.jwks.requests()).isEqualTo(2);
    }

    @Test
    void keysTooOldToKeepAreStillUsedWhileTheSetCannotBeFetchedAndTriedAgainLater(CapturedOutput output) {
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", RSA_1)));
        String token = TestTokens.signed(JWSAlgorithm.RS256, RSA_1, "rsa-1", claims(List.of("*")));
        assertThat(accept(this.tokens, token).subject()).isEqualTo("alice");

        this.jwks.fail(500);
        this.clock.advance(KeySetDecoder.MAX_AGE);
        assertThat(accept(this.tokens, token).subject()).as("an identity provider briefly down locks nobody out")
                .isEqualTo("alice");
        assertThat(accept(this.tokens, token).subject()).isEqualTo("alice");
        assertThat(this.jwks.requests()).as("not tried again at every request").isEqualTo(2);
        assertThat(output.getAll()).contains("The JWKS at " + this.jwks.authority() + " cannot be fetched (HTTP 500)")
                .doesNotContain("answers again");

        this.jwks.serve(TestTokens.jwks(Map.of("rsa-2", RSA_2)));
        this.clock.advance(KeySetDecoder.RETRY);
        assertThat(refusal(this.tokens, token)).as("tried again: its key is gone").isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(this.jwks.requests()).isEqualTo(3);
        assertThat(output.getAll()).contains("The JWKS at " + this.jwks.authority() + " answers again");
    }

    @Test
    void madeUpKeyIdsFetchTheSetAtMostOncePerInterval() {
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", RSA_1)));
        assertThat(accept(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_1, "rsa-1", claims(List.of("*"))))
                .subject()).isEqualTo("alice");

        for (int i = 0; i < 20; i++) {
            assertThat(refusal(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_2, "made-up-" + i,
                    claims(List.of("*"))))).isEqualTo(AuthRefusal.TOKEN_INVALID);
        }
        assertThat(this.jwks.requests()).isEqualTo(1);
        this.clock.advance(KeySetFetches.MIN_INTERVAL);
        assertThat(refusal(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_2, "made-up-x",
                claims(List.of("*"))))).isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(this.jwks.requests()).isEqualTo(2);
    }

    @Test
    void unknownKeyIdWrongKeyAndOtherAlgorithmsAreInvalid() {
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", RSA_1)));

        assertThat(refusal(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_2, "rsa-9", claims(List.of("*")))))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_2, "rsa-1", claims(List.of("*")))))
                .as("a key id of the set, signed with another key").isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.tokens, TestTokens.hs256WithKey(claims(List.of("*")), RSA_1.getPublic().getEncoded())))
                .as("HS256 with the public key's bytes").isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.tokens, TestTokens.hs256(claims(List.of("*"))))).isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.tokens, TestTokens.unsigned(claims(List.of("*")))))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
    }

    @Test
    void keySetThatCannotBeFetchedIsUnavailableNotInvalidUntilItAnswersAgain(CapturedOutput output) {
        String token = TestTokens.signed(JWSAlgorithm.RS256, RSA_1, "rsa-1", claims(List.of("*")));

        this.jwks.fail(500);
        assertThat(refusal(this.tokens, token)).isEqualTo(AuthRefusal.KEYS_UNAVAILABLE);
        this.jwks.serve("<html>not a key set</html>");
        assertThat(refusal(this.tokens, token)).isEqualTo(AuthRefusal.KEYS_UNAVAILABLE);
        this.jwks.down();
        assertThat(refusal(this.tokens, token)).isEqualTo(AuthRefusal.KEYS_UNAVAILABLE);

        this.jwks.resume();
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", RSA_1)));
        assertThat(accept(this.tokens, token).subject()).isEqualTo("alice");

        assertThat(output.getAll()).contains("WARN").contains("The JWKS at " + this.jwks.authority()
                + " cannot be fetched (HTTP 500)").contains("The JWKS at " + this.jwks.authority() + " answers again")
                .doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
        assertThat(output.getAll().lines().filter(line -> line.contains("cannot be fetched")).count())
                .as("one WARN line per outage and minute, not one per request").isEqualTo(1);
    }

    @Test
    void outageIsLoggedAgainWhenTheKeySetFailsAgainAfterAnsweringOnce(CapturedOutput output) {
        this.jwks.fail(503);
        String token = TestTokens.signed(JWSAlgorithm.RS256, RSA_1, "rsa-1", claims(List.of("*")));
        assertThat(refusal(this.tokens, token)).isEqualTo(AuthRefusal.KEYS_UNAVAILABLE);
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", RSA_1)));
        assertThat(accept(this.tokens, token).subject()).isEqualTo("alice");
        this.jwks.down();
        this.clock.advance(KeySetFetches.MIN_INTERVAL);
        assertThat(refusal(this.tokens, TestTokens.signed(JWSAlgorithm.RS256, RSA_2, "rsa-2", claims(List.of("*")))))
                .as("a new key id while the JWKS is down").isEqualTo(AuthRefusal.KEYS_UNAVAILABLE);
        assertThat(accept(this.tokens, token).subject()).as("keys already fetched still work").isEqualTo("alice");

        assertThat(output.getAll()).contains("cannot be fetched (HTTP 503)")
                .contains("cannot be fetched (request failed: ");
    }
}
