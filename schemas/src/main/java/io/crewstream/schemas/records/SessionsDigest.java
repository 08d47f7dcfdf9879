package io.crewstream.schemas.records;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digest in a {@link SessionsVerified} marker: one definition, computed by the ingestor over what it listed and by
 * the projector over its table, so that the two can be compared without sending the rows.
 *
 * <p>It covers each session's key and {@code updatedAt} (the gateway moves {@code updatedAt} on every change that
 * matters): a missing or extra session, or a row left behind at an older {@code updatedAt}, changes it. It is the sum,
 * modulo 2<sup>64</sup>, of the first 8 bytes of SHA-256({@code key} NUL {@code updatedAt}) over all sessions
 * ({@code updatedAt} as a decimal number, empty when the row has none), written as 16 lower-case hex digits. A sum
 * does not depend on order, and a session can be added or taken out without going over the others again.
 *
 * <p>Not thread-safe: one digest is built by one thread.
 */
public final class SessionsDigest {

    private static final byte SEPARATOR = 0;

    private final MessageDigest sha256;
    private long sum;
    private int count;

    public SessionsDigest() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The digest of these rows. */
    public static SessionsDigest of(Iterable<SessionRow> rows) {
        SessionsDigest digest = new SessionsDigest();
        rows.forEach(digest::add);
        return digest;
    }

    public SessionsDigest add(SessionRow row) {
        return add(row.key(), row.updatedAt());
    }

    public SessionsDigest add(String sessionKey, Long updatedAt) {
        this.sum += hash(sessionKey, updatedAt);
        this.count++;
        return this;
    }

    public SessionsDigest remove(String sessionKey, Long updatedAt) {
        this.sum -= hash(sessionKey, updatedAt);
        this.count--;
        return this;
    }

    /** How many sessions were added (less those removed). */
    public int count() {
        return this.count;
    }

    /** The digest: 16 lower-case hex digits. */
    public String value() {
        return HexFormat.of().toHexDigits(this.sum);
    }

    private long hash(String sessionKey, Long updatedAt) {
        this.sha256.reset();
        this.sha256.update(sessionKey.getBytes(StandardCharsets.UTF_8));
        this.sha256.update(SEPARATOR);
        if (updatedAt != null) {
            this.sha256.update(Long.toString(updatedAt).getBytes(StandardCharsets.US_ASCII));
        }
        return ByteBuffer.wrap(this.sha256.digest()).getLong();
    }

    @Override
    public String toString() {
        return this.count + " sessions, digest " + value();
    }
}
