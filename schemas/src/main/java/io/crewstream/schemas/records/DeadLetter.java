package io.crewstream.schemas.records;

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

    public static DeadLetter of(String consumer, String sourceTopic, int sourcePartition, long sourceOffset,
            long failedAt, String errorType, String reason, String valueBase64) {
        return new DeadLetter(SchemaVersion.CURRENT, consumer, sourceTopic, sourcePartition, sourceOffset, failedAt,
                errorType, reason, valueBase64);
    }
}
