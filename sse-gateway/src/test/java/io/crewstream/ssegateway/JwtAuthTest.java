package io.crewstream.ssegateway;

import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.StreamTicket;
import io.crewstream.ssegateway.security.ApiSecurityConfiguration;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.JwksServer;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.ssegateway.support.TestTokens;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JWTs from an identity provider, end to end: one gateway checks them against a JWKS served by a real HTTP server,
 * another against a configured EC public key. Valid tokens open the API and get stream tickets; every refused one is
 * a 401 naming its reason; a JWT in a URL is refused; a JWKS that cannot be fetched is the service's 503, not the
 * caller's 401, and the gateway recovers when it answers again.
 */
@ExtendWith({ KafkaBrokerExtension.class, OutputCaptureExtension.class })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtAuthTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final KeyPair rsa = TestTokens.rsaKeys();

    private final KeyPair otherRsa = TestTokens.rsaKeys();

    private final KeyPair ec = TestTokens.ecKeys("secp256r1");

    private JwksServer jwks;

    private TableTopics tables;

    private GatewayApp viaJwks;

    private GatewayApp viaPem;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.jwks = JwksServer.start().serve(keySet());
        this.tables = TableTopics.create(broker, "sse-jwt");
        this.tables.connection("gw-a", UpstreamState.CONNECTED);
        this.viaJwks = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.auth.jwt.jwks-uri=" + this.jwks.uri(), "crewstream.sse.auth.jwt.issuer="
                        + TestTokens.ISSUER, "crewstream.sse.auth.jwt.audience=" + TestTokens.AUDIENCE);
        this.viaPem = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix(),
                "crewstream.sse.auth.jwt.public-key=" + TestTokens.pem(this.ec.getPublic()),
                "crewstream.sse.auth.jwt.issuer=" + TestTokens.ISSUER,
                "crewstream.sse.auth.jwt.audience=" + TestTokens.AUDIENCE);
        await().atMost(WAIT).until(() -> this.viaJwks.get("/actuator/health/readiness").statusCode() == 200
                && this.viaPem.get("/actuator/health/readiness").statusCode() == 200);
    }

    @AfterAll
    void stop() {
        this.viaJwks.close();
        this.viaPem.close();
        this.tables.close();
        this.jwks.close();
    }

    @Test
    void tokensSignedWithKeysOfTheKeySetOpenTheApiAndGetStreamTickets() {
        this.jwks.serve(keySet());
        String rs256 = TestTokens.signed(JWSAlgorithm.RS256, this.rsa, "rsa-1", claims());
        String es256 = TestTokens.signed(JWSAlgorithm.ES256, this.ec, "ec-1", claims());

        assertThat(this.viaJwks.get("/api/sessions", TestTokens.bearer(rs256)).statusCode()).isEqualTo(200);
        assertThat(this.viaJwks.get("/api/gateways", TestTokens.bearer(es256)).statusCode()).isEqualTo(200);
        HttpResponse<String> issued = this.viaJwks.send("POST", "/api/stream-tickets", TestTokens.bearer(rs256));
        assertThat(issued.statusCode()).isEqualTo(201);
        String ticket = ContractJson.mapper().readValue(issued.body(), StreamTicket.class).ticket();
        try (SseTestClient stream = this.viaJwks.events("?ticket=" + ticket, Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> !stream.events(SseEventType.SESSIONS_REFRESH).isEmpty());
        }
    }

    @Test
    void everyRefusedTokenIs401WithItsReasonAndNeverEchoed() {
        this.jwks.serve(keySet());
        assertRefused(TestTokens.signed(JWSAlgorithm.RS256, this.rsa, "rsa-1",
                TestTokens.claims("alice", List.of("*"), Duration.ofMinutes(-5))), AuthRefusal.TOKEN_EXPIRED);
        assertRefused(TestTokens.signed(JWSAlgorithm.RS256, this.rsa, "rsa-1",
                claims().issuer("https://other-idp.test/")), AuthRefusal.TOKEN_WRONG_ISSUER_OR_AUDIENCE);
        assertRefused(TestTokens.signed(JWSAlgorithm.RS256, this.rsa, "rsa-1", claims().audience("other-app")),
                AuthRefusal.TOKEN_WRONG_ISSUER_OR_AUDIENCE);
        assertRefused(TestTokens.signed(JWSAlgorithm.RS256, this.otherRsa, "rsa-1", claims()),
                AuthRefusal.TOKEN_INVALID);
        assertRefused(TestTokens.unsigned(claims()), AuthRefusal.TOKEN_INVALID);
        assertRefused(TestTokens.hs256WithKey(claims(), this.rsa.getPublic().getEncoded()), AuthRefusal.TOKEN_INVALID);
        assertRefused(TestTokens.signed(JWSAlgorithm.RS256, this.rsa, "rsa-1", claims().subject(null)),
                AuthRefusal.TOKEN_INVALID);
        assertRefused(TestTokens.signed(JWSAlgorithm.RS256, this.rsa, "rsa-1", claims().expirationTime(null)),
                AuthRefusal.TOKEN_INVALID);
        assertRefused("not.a.jwt", AuthRefusal.TOKEN_INVALID);
        assertRefused("garbage", AuthRefusal.TOKEN_INVALID);
    }

    @Test
    void jwtInTheUrlIsRefusedEvenWhenValid() {
        this.jwks.serve(keySet());
        String token = TestTokens.signed(JWSAlgorithm.RS256, this.rsa, "rsa-1", claims());

        for (String path : List.of("/api/sessions?access_token=" + token, "/api/events?access_token=" + token,
                "/api/agents?token=" + token)) {
            HttpResponse<String> response = this.viaJwks.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.body()).contains("\"reason\":\"" + AuthRefusal.TOKEN_IN_URL.code() + "\"")
                    .doesNotContain(token);
        }
    }

    @Test
    void keySetThatCannotBeFetchedIs503UntilItAnswersAgain(CapturedOutput output) {
        // A key id the gateway has not seen yet makes it fetch the set again: from a JWKS that fails, then is down.
        String rotated = TestTokens.signed(JWSAlgorithm.RS256, this.otherRsa, "rsa-2", claims());
        double before = rejected(AuthRefusal.KEYS_UNAVAILABLE);
        this.jwks.fail(500);
        // Until the fetch interval since another test's fetch has passed, the set fetched then answers (401).
        await().atMost(WAIT).until(() -> this.viaJwks.get("/api/sessions", TestTokens.bearer(rotated))
                .statusCode() != 401);
        assertUnavailable(this.viaJwks.get("/api/sessions", TestTokens.bearer(rotated)), rotated);
        this.jwks.down();
        assertUnavailable(this.viaJwks.send("POST", "/api/stream-tickets", TestTokens.bearer(rotated)), rotated);
        assertThat(rejected(AuthRefusal.KEYS_UNAVAILABLE)).isEqualTo(before + 3);
        assertThat(this.viaJwks.get("/api/sessions", TestTokens.bearer(TestTokens.signed(JWSAlgorithm.RS256, this.rsa,
                "rsa-1", claims()))).statusCode()).as("keys fetched before still check tokens").isEqualTo(200);

        this.jwks.resume();
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", this.rsa, "ec-1", this.ec, "rsa-2", this.otherRsa)));
        assertThat(this.viaJwks.get("/api/sessions", TestTokens.bearer(rotated)).statusCode()).isEqualTo(200);

        assertThat(output.getAll()).contains("The JWKS at " + this.jwks.authority() + " cannot be fetched (HTTP 500)")
                .contains("The JWKS at " + this.jwks.authority() + " answers again").doesNotContain(rotated)
                .doesNotContain(rotated.substring(rotated.lastIndexOf('.') + 1));
    }

    @Test
    void keySetThatNeverAnswersIs503AfterTheFetchTimeoutNotAHang() {
        String rotated = TestTokens.signed(JWSAlgorithm.RS256, this.otherRsa, "rsa-3", claims());
        this.jwks.hang();
        await().atMost(WAIT).until(() -> this.viaJwks.get("/api/sessions", TestTokens.bearer(rotated))
                .statusCode() != 401);
        long started = System.nanoTime();
        assertUnavailable(this.viaJwks.get("/api/sessions", TestTokens.bearer(rotated)), rotated);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the fetch gave up at its timeout")
                .isLessThan(Duration.ofSeconds(15));
        this.jwks.serve(TestTokens.jwks(Map.of("rsa-1", this.rsa, "ec-1", this.ec, "rsa-3", this.otherRsa)));
        assertThat(this.viaJwks.get("/api/sessions", TestTokens.bearer(rotated)).statusCode()).isEqualTo(200);
    }

    @Test
    void publicKeyGatewayAcceptsTokensOfItsKeyAndCurveOnly() {
        String es256 = TestTokens.signed(JWSAlgorithm.ES256, this.ec, "some-kid", claims());
        assertThat(this.viaPem.get("/api/sessions", TestTokens.bearer(es256)).statusCode()).isEqualTo(200);

        for (String refused : List.of(TestTokens.signed(JWSAlgorithm.RS256, this.rsa, null, claims()),
                TestTokens.signed(JWSAlgorithm.ES256, TestTokens.ecKeys("secp256r1"), null, claims()),
                TestTokens.hs256WithKey(claims(), this.ec.getPublic().getEncoded()), TestTokens.hs256(claims()),
                TestTokens.unsigned(claims()))) {
            HttpResponse<String> response = this.viaPem.get("/api/sessions", TestTokens.bearer(refused));
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).contains("\"reason\":\"token_invalid\"");
        }
    }

    private void assertRefused(String token, AuthRefusal refusal) {
        HttpResponse<String> response = this.viaJwks.get("/api/sessions", TestTokens.bearer(token));
        assertThat(response.statusCode()).as(refusal.code()).isEqualTo(401);
        assertThat(response.body()).contains("\"reason\":\"" + refusal.code() + "\"").doesNotContain(token)
                .doesNotContain("Exception");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
    }

    private static void assertUnavailable(HttpResponse<String> response, String token) {
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("\"reason\":\"" + AuthRefusal.KEYS_UNAVAILABLE.code() + "\"")
                .doesNotContain(token);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.headers().firstValue("WWW-Authenticate")).as("the token was not refused").isEmpty();
    }

    private double rejected(AuthRefusal refusal) {
        var counter = this.viaJwks.meters().find(ApiSecurityConfiguration.REJECTED_METRIC)
                .tag("reason", refusal.code()).counter();
        return (counter != null) ? counter.count() : 0;
    }

    private String keySet() {
        return TestTokens.jwks(Map.of("rsa-1", this.rsa, "ec-1", this.ec));
    }

    private static JWTClaimsSet.Builder claims() {
        return TestTokens.claims("alice", List.of("*"), Duration.ofMinutes(5));
    }
}
