package io.crewstream.ssegateway.support;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Real signed JWTs for tests, with keys generated in the test: an HS256 secret, an RSA key pair, an EC (P-256) key
 * pair. {@link #claims} starts from a token the gateway configured by {@link #hs256Properties} accepts; tests change
 * one thing and sign it. Immutable once made.
 */
public final class TestTokens {

    public static final String ISSUER = "https://idp.test.crewstream.io/";

    public static final String AUDIENCE = "crewstream-dashboard";

    public static final String SCOPE_CLAIM = "crewstream_gateways";

    /** 40 bytes: HS256 needs at least 32. */
    public static final String SECRET = "test-secret-0123456789-0123456789-abcdef";

    public final KeyPair rsa;

    public final KeyPair ec;

    public TestTokens() {
        try {
            KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
            rsaGenerator.initialize(2048);
            this.rsa = rsaGenerator.generateKeyPair();
            KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
            ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
            this.ec = ecGenerator.generateKeyPair();
        }
        catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The gateway properties that accept {@link #hs256} tokens. */
    public static String[] hs256Properties() {
        return new String[] { "crewstream.sse.auth.jwt.secret=" + SECRET, "crewstream.sse.auth.jwt.issuer=" + ISSUER,
                "crewstream.sse.auth.jwt.audience=" + AUDIENCE };
    }

    /**
     * Claims of a token for {@code subject}, seeing {@code gateways} ("*" for all), expiring in {@code ttl} (negative:
     * expired that long ago; it was issued a minute before it expired, as a real one would have been).
     */
    public static JWTClaimsSet.Builder claims(String subject, List<String> gateways, java.time.Duration ttl) {
        Instant now = Instant.now();
        Instant expiresAt = now.plus(ttl);
        Instant issuedAt = ttl.isNegative() ? expiresAt.minusSeconds(60) : now;
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(issuedAt)).expirationTime(Date.from(expiresAt)).claim(SCOPE_CLAIM, gateways);
    }

    public static String hs256(JWTClaimsSet.Builder claims) {
        return hs256(claims, SECRET);
    }

    public static String hs256(JWTClaimsSet.Builder claims, String secret) {
        try {
            return sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims);
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Claims as {@link #claims(String, List, java.time.Duration)} makes them, issued at {@code issuedAt} and expiring
     * at {@code expiresAt}: for checks against a fixed clock.
     */
    public static JWTClaimsSet.Builder claims(String subject, List<String> gateways, Instant issuedAt,
            Instant expiresAt) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(issuedAt)).expirationTime(Date.from(expiresAt)).claim(SCOPE_CLAIM, gateways);
    }

    /** A new RSA key pair (2048 bits). */
    public static KeyPair rsaKeys() {
        return generate("RSA", null);
    }

    /** A new EC key pair on {@code curve} ({@code secp256r1}, {@code secp384r1}, {@code secp521r1}). */
    public static KeyPair ecKeys(String curve) {
        return generate("EC", new ECGenParameterSpec(curve));
    }

    /** Signed with {@code keys}' private key (RSA: RS*, PS*; EC: ES*), naming {@code keyId} (null for none). */
    public static String signed(JWSAlgorithm algorithm, KeyPair keys, String keyId, JWTClaimsSet.Builder claims) {
        try {
            JWSSigner signer = (keys.getPrivate() instanceof ECPrivateKey ec) ? new ECDSASigner(ec)
                    : new RSASSASigner((RSAPrivateKey) keys.getPrivate());
            return sign(signer, algorithm, keyId, claims);
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * An HS256 token whose MAC key is {@code keyBytes}: with a public key's bytes, the algorithm-confusion attack on
     * a verifier that would take the public key as an HMAC secret.
     */
    public static String hs256WithKey(JWTClaimsSet.Builder claims, byte[] keyBytes) {
        try {
            return sign(new MACSigner(keyBytes), JWSAlgorithm.HS256, claims);
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** A JWKS document (public keys only) with each of {@code keys} under its key id. */
    public static String jwks(Map<String, KeyPair> keys) {
        List<JWK> jwks = new java.util.ArrayList<>();
        keys.forEach((keyId, pair) -> {
            if (pair.getPublic() instanceof ECPublicKey ec) {
                jwks.add(new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).keyID(keyId).build());
            }
            else {
                jwks.add(new RSAKey.Builder((RSAPublicKey) pair.getPublic()).keyID(keyId).build());
            }
        });
        return new JWKSet(jwks).toString(true);
    }

    public String rs256(JWTClaimsSet.Builder claims, String keyId) {
        return sign(new RSASSASigner((RSAPrivateKey) this.rsa.getPrivate()), JWSAlgorithm.RS256, keyId, claims);
    }

    public String es256(JWTClaimsSet.Builder claims, String keyId) {
        try {
            return sign(new ECDSASigner((ECPrivateKey) this.ec.getPrivate()), JWSAlgorithm.ES256, keyId, claims);
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** An unsigned token ({@code alg: none}) with these claims: what an attacker forges. */
    public static String unsigned(JWTClaimsSet.Builder claims) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        String header = encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = encoder.encodeToString(claims.build().toString().getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    private static KeyPair generate(String type, ECGenParameterSpec curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (curve != null) {
                generator.initialize(curve);
            }
            else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        }
        catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** PEM text of a public key, as {@code crewstream.sse.auth.jwt.public-key} takes it. */
    public static String pem(java.security.PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Bearer header for a request. */
    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims) {
        return sign(signer, algorithm, null, claims);
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String keyId, JWTClaimsSet.Builder claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims.build());
        try {
            jwt.sign(signer);
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
        return jwt.serialize();
    }
}
