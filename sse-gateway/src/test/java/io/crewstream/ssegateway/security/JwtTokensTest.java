package io.crewstream.ssegateway.security;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.ssegateway.SseGatewayProperties;
import io.crewstream.ssegateway.support.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The JWT check of each key source through the real Nimbus decoders, with real signed tokens and keys generated here,
 * against a fixed clock: what is accepted, what is refused and with which {@link AuthRefusal} code, and the viewer an
 * accepted token makes.
 */
class JwtTokensTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static final Duration SKEW = Duration.ofSeconds(30);

    private static final KeyPair RSA = TestTokens.rsaKeys();

    private static final KeyPair OTHER_RSA = TestTokens.rsaKeys();

    private static final KeyPair EC_P256 = TestTokens.ecKeys("secp256r1");

    private static final KeyPair EC_P384 = TestTokens.ecKeys("secp384r1");

    private final JwtTokens hs256 = tokens(new SseGatewayProperties.Jwt(TestTokens.SECRET, null, null,
            TestTokens.ISSUER, TestTokens.AUDIENCE, TestTokens.SCOPE_CLAIM, SKEW));

    private final JwtTokens rsaPem = tokens(publicKey(RSA));

    @Test
    void validHs256TokenMakesAViewerWhoseAccessEndsAtExpiryPlusSkew() {
        Viewer viewer = accept(this.hs256, TestTokens.hs256(claims(List.of("gw-a"))));

        assertThat(viewer.subject()).isEqualTo("alice");
        assertThat(viewer.scope()).isEqualTo(new GatewayScope.Only(Set.of("gw-a")));
        assertThat(viewer.expiresAt()).hasValue(NOW.plusSeconds(300).plus(SKEW));
    }

    @Test
    void expiryAndNotBeforeAreCheckedAgainstTheInjectedClockWithinTheSkew() {
        assertThat(refusal(this.hs256, TestTokens.hs256(claims(NOW.minus(SKEW))))).isEqualTo(AuthRefusal.TOKEN_EXPIRED);
        assertThat(accept(this.hs256, TestTokens.hs256(claims(NOW.minus(SKEW).plusSeconds(1)))).subject())
                .as("expired less than the skew ago").isEqualTo("alice");
        assertThat(refusal(this.hs256, TestTokens.hs256(claims(List.of("gw-a")).notBeforeTime(
                java.util.Date.from(NOW.plus(SKEW).plusSeconds(1)))))).isEqualTo(AuthRefusal.TOKEN_EXPIRED);
        assertThat(accept(this.hs256, TestTokens.hs256(claims(List.of("gw-a")).notBeforeTime(
                java.util.Date.from(NOW.plus(SKEW))))).subject()).as("valid from within the skew").isEqualTo("alice");
        // Far in the past by the system clock, valid by the injected one: the decoder reads no other clock.
        JwtTokens inThePast = tokens(new SseGatewayProperties.Jwt(TestTokens.SECRET, null, null, TestTokens.ISSUER,
                TestTokens.AUDIENCE, TestTokens.SCOPE_CLAIM, SKEW), Instant.parse("2001-01-01T00:00:00Z"));
        assertThat(accept(inThePast, TestTokens.hs256(TestTokens.claims("alice", List.of("*"),
                Instant.parse("2000-12-31T23:00:00Z"), Instant.parse("2001-01-01T01:00:00Z")))).subject())
                .isEqualTo("alice");
    }

    @Test
    void wrongIssuerOrAudienceIsRefusedWithItsOwnCode() {
        assertThat(refusal(this.hs256, TestTokens.hs256(claims(List.of("*")).issuer("https://other-idp.test/"))))
                .isEqualTo(AuthRefusal.TOKEN_WRONG_ISSUER_OR_AUDIENCE);
        assertThat(refusal(this.hs256, TestTokens.hs256(claims(List.of("*")).audience("another-app"))))
                .isEqualTo(AuthRefusal.TOKEN_WRONG_ISSUER_OR_AUDIENCE);
        assertThat(accept(this.hs256, TestTokens.hs256(claims(List.of("*"))
                .audience(List.of("another-app", TestTokens.AUDIENCE)))).subject())
                .as("one of several audiences").isEqualTo("alice");
    }

    @Test
    void tokenWithoutExpiryOrSubjectIsRefused() {
        assertThat(refusal(this.hs256, TestTokens.hs256(claims(List.of("*")).expirationTime(null))))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.hs256, TestTokens.hs256(claims(List.of("*")).subject(null))))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
    }

    @Test
    void badSignatureUnsignedAndMalformedTokensAreInvalid() {
        String other = "another-secret-0123456789-0123456789-xyz";
        assertThat(refusal(this.hs256, TestTokens.hs256(claims(List.of("*")), other)))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.hs256, TestTokens.unsigned(claims(List.of("*"))))).isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.rsaPem, TestTokens.unsigned(claims(List.of("*")))))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.hs256, "not-a-jwt")).as("refused, not thrown").isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.hs256, "a.b.c")).isEqualTo(AuthRefusal.TOKEN_INVALID);
    }

    @Test
    void scopeClaimIsAnArrayOrASpaceOrCommaSeparatedStringAndMissingSeesNothing() {
        assertThat(scope(claims(List.of("gw-a", "gw-b")))).isEqualTo(new GatewayScope.Only(Set.of("gw-a", "gw-b")));
        assertThat(scope(claims(List.of()).claim(TestTokens.SCOPE_CLAIM, "gw-a gw-b")))
                .isEqualTo(new GatewayScope.Only(Set.of("gw-a", "gw-b")));
        assertThat(scope(claims(List.of()).claim(TestTokens.SCOPE_CLAIM, "gw-a, gw-b,gw-c")))
                .isEqualTo(new GatewayScope.Only(Set.of("gw-a", "gw-b", "gw-c")));
        assertThat(scope(claims(List.of("*")))).isEqualTo(GatewayScope.ALL);
        assertThat(scope(claims(List.of()).claim(TestTokens.SCOPE_CLAIM, "*"))).isEqualTo(GatewayScope.ALL);
        assertThat(scope(claims(List.of()).claim(TestTokens.SCOPE_CLAIM, null)))
                .isEqualTo(new GatewayScope.Only(Set.of()));
        assertThat(scope(claims(List.of()).claim(TestTokens.SCOPE_CLAIM, 42))).as("not a list of ids")
                .isEqualTo(new GatewayScope.Only(Set.of()));
    }

    @Test
    void scopeClaimNameIsConfigurable() {
        JwtTokens groups = tokens(new SseGatewayProperties.Jwt(TestTokens.SECRET, null, null, TestTokens.ISSUER,
                TestTokens.AUDIENCE, "groups", SKEW));
        Viewer viewer = accept(groups, TestTokens.hs256(claims(List.of("gw-a")).claim("groups", List.of("gw-b"))));
        assertThat(viewer.scope()).isEqualTo(new GatewayScope.Only(Set.of("gw-b")));
    }

    @Test
    void rsaPublicKeyAcceptsRs256Rs384AndRs512FromItsPrivateKeyOnly() {
        assertThat(accept(this.rsaPem, TestTokens.signed(JWSAlgorithm.RS256, RSA, null, claims(List.of("gw-a"))))
                .scope()).isEqualTo(new GatewayScope.Only(Set.of("gw-a")));
        assertThat(accept(this.rsaPem, TestTokens.signed(JWSAlgorithm.RS384, RSA, "any-kid", claims(List.of("*"))))
                .subject()).isEqualTo("alice");
        assertThat(accept(this.rsaPem, TestTokens.signed(JWSAlgorithm.RS512, RSA, null, claims(List.of("*"))))
                .subject()).isEqualTo("alice");
        assertThat(refusal(this.rsaPem, TestTokens.signed(JWSAlgorithm.RS256, OTHER_RSA, null, claims(List.of("*")))))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.rsaPem, TestTokens.signed(JWSAlgorithm.RS256, RSA, null,
                claims(List.of("*")).issuer("https://other-idp.test/"))))
                .as("claims are checked with a public key too").isEqualTo(AuthRefusal.TOKEN_WRONG_ISSUER_OR_AUDIENCE);
        assertThat(refusal(this.rsaPem, TestTokens.signed(JWSAlgorithm.RS256, RSA, null, claims(NOW.minusSeconds(60)))))
                .isEqualTo(AuthRefusal.TOKEN_EXPIRED);
    }

    @Test
    void ecPublicKeyAcceptsOnlyTheAlgorithmOfItsCurve() {
        JwtTokens p256 = tokens(publicKey(EC_P256));
        JwtTokens p384 = tokens(publicKey(EC_P384));

        assertThat(accept(p256, TestTokens.signed(JWSAlgorithm.ES256, EC_P256, null, claims(List.of("gw-a"))))
                .scope()).isEqualTo(new GatewayScope.Only(Set.of("gw-a")));
        assertThat(accept(p384, TestTokens.signed(JWSAlgorithm.ES384, EC_P384, null, claims(List.of("*"))))
                .subject()).isEqualTo("alice");
        assertThat(refusal(p256, TestTokens.signed(JWSAlgorithm.ES256, TestTokens.ecKeys("secp256r1"), null,
                claims(List.of("*"))))).isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(p256, TestTokens.signed(JWSAlgorithm.RS256, RSA, null, claims(List.of("*")))))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(p256, TestTokens.signed(JWSAlgorithm.ES384, EC_P384, null, claims(List.of("*")))))
                .as("an algorithm of another curve").isEqualTo(AuthRefusal.TOKEN_INVALID);
    }

    @Test
    void hs256TokenSignedWithThePublicKeyBytesIsRefused() {
        // Algorithm confusion: a verifier that took the public key as an HMAC secret would accept these.
        byte[] der = RSA.getPublic().getEncoded();
        byte[] pem = TestTokens.pem(RSA.getPublic()).getBytes(StandardCharsets.US_ASCII);
        assertThat(refusal(this.rsaPem, TestTokens.hs256WithKey(claims(List.of("*")), der)))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(this.rsaPem, TestTokens.hs256WithKey(claims(List.of("*")), pem)))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
        assertThat(refusal(tokens(publicKey(EC_P256)), TestTokens.hs256WithKey(claims(List.of("*")),
                EC_P256.getPublic().getEncoded()))).isEqualTo(AuthRefusal.TOKEN_INVALID);
    }

    @Test
    void hs256SecretRefusesTokensOfOtherAlgorithms() {
        assertThat(refusal(this.hs256, TestTokens.signed(JWSAlgorithm.RS256, RSA, null, claims(List.of("*")))))
                .isEqualTo(AuthRefusal.TOKEN_INVALID);
    }

    @Test
    void publicKeyThatIsNotAnRsaOrEcPemIsRefusedAtConfigurationWithoutQuotingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> publicKey("not a key at all"))
                .withMessageContaining("crewstream.sse.auth.jwt.public-key").withMessageNotContaining("not a key");
        String pem = TestTokens.pem(RSA.getPublic());
        String corrupted = pem.replace(pem.substring(40, 60), "AAAAAAAAAAAAAAAAAAAA");
        assertThatIllegalArgumentException().isThrownBy(() -> publicKey(corrupted))
                .withMessageContaining("RSA or EC public key");
        assertThatIllegalArgumentException().isThrownBy(() -> publicKey(TestTokens.pem(dsaKey())))
                .withMessageContaining("RSA or EC public key");
    }

    @Test
    void keySetUriMustBeAnAbsoluteHttpUrl() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SseGatewayProperties.Jwt(null, null,
                "idp.example.com/jwks.json", TestTokens.ISSUER, TestTokens.AUDIENCE, TestTokens.SCOPE_CLAIM, SKEW))
                .withMessageContaining("crewstream.sse.auth.jwt.jwks-uri");
        assertThatIllegalArgumentException().isThrownBy(() -> new SseGatewayProperties.Jwt(null, null,
                "file:///etc/jwks.json", TestTokens.ISSUER, TestTokens.AUDIENCE, TestTokens.SCOPE_CLAIM, SKEW))
                .withMessageContaining("crewstream.sse.auth.jwt.jwks-uri");
    }

    static JwtTokens tokens(SseGatewayProperties.Jwt properties) {
        return tokens(properties, NOW);
    }

    static JwtTokens tokens(SseGatewayProperties.Jwt properties, Instant now) {
        return tokens(properties, Clock.fixed(now, ZoneOffset.UTC));
    }

    static JwtTokens tokens(SseGatewayProperties.Jwt properties, Clock clock) {
        return JwtTokens.from(properties, new ReactorClientHttpConnector(), clock);
    }

    private static java.security.PublicKey dsaKey() throws java.security.GeneralSecurityException {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("DSA");
        generator.initialize(2048);
        return generator.generateKeyPair().getPublic();
    }

    private static SseGatewayProperties.Jwt publicKey(KeyPair keys) {
        return publicKey(TestTokens.pem(keys.getPublic()));
    }

    private static SseGatewayProperties.Jwt publicKey(String pem) {
        return new SseGatewayProperties.Jwt(null, pem, null, TestTokens.ISSUER, TestTokens.AUDIENCE,
                TestTokens.SCOPE_CLAIM, SKEW);
    }

    /** Alice's token, seeing {@code gateways}, issued a minute ago by the fixed clock and valid for five more. */
    static JWTClaimsSet.Builder claims(List<String> gateways) {
        return TestTokens.claims("alice", gateways, NOW.minusSeconds(60), NOW.plusSeconds(300));
    }

    /** Alice's token for every gateway, expiring at {@code expiresAt}. */
    static JWTClaimsSet.Builder claims(Instant expiresAt) {
        return TestTokens.claims("alice", List.of("*"), expiresAt.minusSeconds(600), expiresAt);
    }

    private GatewayScope scope(JWTClaimsSet.Builder claims) {
        return accept(this.hs256, TestTokens.hs256(claims)).scope();
    }

    static Viewer accept(JwtTokens tokens, String token) {
        return tokens.verify(token).block(Duration.ofSeconds(10));
    }

    static AuthRefusal refusal(JwtTokens tokens, String token) {
        AuthRefusedException refused = catchThrowableOfType(AuthRefusedException.class,
                () -> tokens.verify(token).block(Duration.ofSeconds(10)));
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.getMessage()).doesNotContain(token);
        return refused.refusal();
    }
}
