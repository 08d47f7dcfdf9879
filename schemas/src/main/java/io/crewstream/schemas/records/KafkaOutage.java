package io.crewstream.schemas.records;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;

/**
 * A stretch of time in which the ingestor could not write to Kafka, as it reports it once Kafka accepts records
 * again (on {@link ConnectionStatusEvent#kafkaOutage()}): whatever it received meanwhile may be missing from the
 * topics, and the snapshot that follows replaces it. Lets replay show "Kafka outage 14:02–14:07" instead of a
 * silent gap.
 *
 * @param from epoch ms at which the first failed send was reported; a send fails only after the producer's delivery
 *     timeout, so the outage may have begun up to that long before
 * @param to epoch ms at which a send succeeded again
 * @param failedRecords records the ingestor could not write in between, of every connection and every input topic
 *     (raw frames included, which no snapshot replaces)
 */
public record KafkaOutage(Long from, Long to, Long failedRecords) {

    private static final String RECORD = "KafkaOutage";

    public KafkaOutage {
        Require.notNegative(from, RECORD, "from");
        Require.notNegative(to, RECORD, "to");
        Require.notNegative(failedRecords, RECORD, "failedRecords");
        if (to < from) {
            throw new InvalidFieldException(RECORD, "to", "must not be before from (" + from + ") but was " + to);
        }
    }
}
