package io.crewstream.replay.kafka;

import java.time.Instant;

/**
 * What one partition of a topic still holds.
 *
 * @param earliest the Kafka timestamp of its oldest record; null when it holds none
 * @param latest the timestamp of its newest record; null when it holds none
 * @param complete true when nothing was ever deleted from it (its first offset is 0): a time before
 *     {@code earliest} then simply precedes everything, rather than being lost to retention
 */
public record RetainedRange(Instant earliest, Instant latest, boolean complete) {

    static RetainedRange of(TopicAccess kafka, org.apache.kafka.common.TopicPartition partition) {
        long beginning = kafka.beginning(partition);
        long end = kafka.end(partition);
        if (beginning >= end) {
            return new RetainedRange(null, null, beginning == 0);
        }
        Instant earliest = kafka.timestampAt(partition, beginning);
        Instant latest = null;
        // The last offsets may be transaction markers, which carry no record: look back a little.
        for (long offset = end - 1; offset >= Math.max(beginning, end - 16) && latest == null; offset--) {
            latest = kafka.timestampAt(partition, offset);
        }
        return new RetainedRange(earliest, latest, beginning == 0);
    }
}
