package io.crewstream.schemas.records;

import io.crewstream.schemas.BoundedText;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on {@link io.crewstream.schemas.Topic#DEAD_LETTERS}: a record a consumer could not process, kept with the
 * reason so that nothing is lost silently.
 *
 * @param consumer which application gave up on it ({@code projector}, …)
 * @param errorType the exception class
 * @param valueBase64 the record's value bytes, base64; null for a null value
 */
public record DeadLetter(Integer schemaVersion, String consumer, String sourceTopic, Integer sourcePartition,
        Long sourceOffset, Long failedAt, String errorType, String reason, String valueBase64) {

    private static final String RECORD = "DeadLetter";

    /** A failed record's key up to this many UTF-8 bytes is the dead letter's key as it is. */
    public static final int MAX_KEY_BYTES = 1024;

    /** How many characters of a longer key the dead letter's key keeps, before its digest. */
    public static final int KEPT_KEY_CHARS = 256;

    public DeadLetter {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.text(consumer, RECORD, "consumer");
        Require.text(sourceTopic, RECORD, "sourceTopic");
        Require.present(sourcePartition, RECORD, "sourcePartition");
        Require.notNegative(sourceOffset, RECORD, "sourceOffset");
        Require.notNegative(failedAt, RECORD, "failedAt");
        Require.text(errorType, RECORD, "errorType");
        Require.text(reason, RECORD, "reason");
    }

    /**
     * The record key of the dead letter for a record keyed {@code sourceKey}: the key itself, or, when it is over
     * {@link #MAX_KEY_BYTES} UTF-8 bytes, its first {@link #KEPT_KEY_CHARS} characters followed by
     * {@code ...sha256:<hex of the whole key>} ({@link BoundedText}). A dead letter must always fit the topic: one whose key is the
     * failed record's 1 MB key would fail to be written, and under exactly-once the record that caused it would be
     * processed again and again. The digest still tells which records had the same key.
     */
    public static String keyFor(String sourceKey) {
        return BoundedText.bound(sourceKey, MAX_KEY_BYTES, KEPT_KEY_CHARS);
    }

    public static DeadLetter of(String consumer, String sourceTopic, int sourcePartition, long sourceOffset,
            long failedAt, String errorType, String reason, String valueBase64) {
        return new DeadLetter(SchemaVersion.CURRENT, consumer, sourceTopic, sourcePartition, sourceOffset, failedAt,
                errorType, reason, valueBase64);
    }
}
