package io.crewstream.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Text derived from input of any length (a record key, an id built from one) made to fit a size budget without
 * losing its identity: a value that fits is kept as it is; a longer one becomes its start followed by
 * {@code ...sha256:<hex of the whole value>}. A plain cut would give every value with the same start the same
 * result, so two different keys or ids would look like one. Stateless and thread-safe.
 */
public final class BoundedText {

    /** Between the kept start and the hex digest of a bounded value. */
    public static final String DIGEST_MARKER = "...sha256:";

    private BoundedText() {
    }

    /**
     * @param maxBytes the largest value, in UTF-8 bytes, that is kept as it is
     * @param keptChars how many characters of a longer value are kept before its digest (one fewer when the cut
     *     would split a surrogate pair)
     * @return {@code value} itself when it is null or fits, else its first {@code keptChars} characters,
     *     {@link #DIGEST_MARKER} and the SHA-256 of all its UTF-8 bytes in hex
     */
    public static String bound(String value, int maxBytes, int keptChars) {
        if (value == null) {
            return null;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return value;
        }
        int kept = Math.min(keptChars, value.length());
        if (kept > 0 && Character.isHighSurrogate(value.charAt(kept - 1))) {
            kept--;
        }
        return value.substring(0, kept) + DIGEST_MARKER + HexFormat.of().formatHex(sha256(bytes));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java platform has SHA-256", ex);
        }
    }
}
