package io.crewstream.ssegateway.security;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;

/**
 * The key of {@code crewstream.sse.auth.jwt.public-key}: PEM text of an X.509 {@code SubjectPublicKeyInfo}
 * ({@code -----BEGIN PUBLIC KEY-----}, what {@code openssl pkey -pubout} writes), RSA or EC, and the signature
 * algorithms it may verify: RS256, RS384 and RS512 for RSA; for EC the one its curve is defined for (P-256: ES256,
 * P-384: ES384, P-521: ES512). Nothing else, so a token that names another algorithm (HS256 with the public key's
 * bytes as the secret, {@code none}) is refused before its signature is looked at. Its {@code toString} shows the
 * public key (not a secret). Immutable.
 */
public record PublicKeyPem(PublicKey key, Set<JWSAlgorithm> algorithms) {

    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";

    private static final String END = "-----END PUBLIC KEY-----";

    private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512);

    private static final Map<Curve, JWSAlgorithm> EC_ALGORITHMS = Map.of(Curve.P_256, JWSAlgorithm.ES256, Curve.P_384,
            JWSAlgorithm.ES384, Curve.P_521, JWSAlgorithm.ES512);

    public PublicKeyPem {
        algorithms = Set.copyOf(algorithms);
    }

    /**
     * The key in {@code pem}; an {@link IllegalArgumentException} with a fixed message (naming the setting, never
     * quoting the text) when it is not an RSA or EC public key on a supported curve.
     */
    public static PublicKeyPem parse(String pem) {
        String text = pem.strip();
        if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
            throw invalid("PEM text between '" + BEGIN + "' and '" + END + "' (an RSA or EC public key)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(BEGIN.length(), text.length() - END.length()));
        }
        catch (IllegalArgumentException ex) {
            throw invalid("valid base64 between its PEM lines");
        }
        PublicKey key = decode(der);
        if (key instanceof RSAPublicKey) {
            return new PublicKeyPem(key, RSA_ALGORITHMS);
        }
        ECPublicKey ec = (ECPublicKey) key;
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        JWSAlgorithm algorithm = (curve != null) ? EC_ALGORITHMS.get(curve) : null;
        if (algorithm == null) {
            throw invalid("an EC key on P-256, P-384 or P-521 (ES256, ES384, ES512)");
        }
        return new PublicKeyPem(key, Set.of(algorithm));
    }

    private static PublicKey decode(byte[] der) {
        for (String type : new String[] { "RSA", "EC" }) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            }
            catch (GeneralSecurityException ex) {
                // Not this type: try the next one.
            }
        }
        throw invalid("an RSA or EC public key (SubjectPublicKeyInfo, as 'openssl pkey -pubout' writes it)");
    }

    private static IllegalArgumentException invalid(String expected) {
        return new IllegalArgumentException("crewstream.sse.auth.jwt.public-key must be " + expected);
    }
}
