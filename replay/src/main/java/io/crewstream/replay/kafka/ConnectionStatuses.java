package io.crewstream.replay.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Gateways' connection states: which connections the pipeline knows (the projector's compacted connection-state
 * table), and each one's status at an instant or over a span (the ingestor's connection-status topic). Stateless.
 */
public final class ConnectionStatuses {

    private static final Duration FIRST_LOOK_BACK = Duration.ofMinutes(10);

    private ConnectionStatuses() {
    }

    /** A status the ingestor wrote, with when it wrote it. */
    public record TimedStatus(Instant at, long offset, ConnectionStatusEvent status) {
    }

    /** Every connection id with a row in the connection-state table. */
    public static SortedSet<String> known(TopicAccess kafka) {
        SortedSet<String> ids = new TreeSet<>();
        for (TopicPartition partition : kafka.partitions(Topic.CONNECTION_STATE)) {
            kafka.scan(partition, kafka.beginning(partition), kafka.end(partition), record -> {
                String id = TopicAccess.keyOf(record);
                if (id != null && record.value() == null) {
                    ids.remove(id);
                }
                else if (id != null && decodeState(record) != null) {
                    ids.add(id);
                }
                return true;
            });
        }
        return ids;
    }

    /** The last status of the connection written at or before {@code at}; null if there is none. */
    public static TimedStatus at(TopicAccess kafka, String connectionId, Instant at) {
        TopicPartition partition = kafka.partitionOf(Topic.CONNECTION_STATUS, connectionId);
        long beginning = kafka.beginning(partition);
        long hi = kafka.offsetAt(partition, at.plusMillis(1));
        Duration lookBack = FIRST_LOOK_BACK;
        while (true) {
            long lo = lookBack.toDays() > 36_500 ? beginning
                    : Math.max(beginning, kafka.offsetAt(partition, at.minus(lookBack)));
            List<TimedStatus> found = scan(kafka, partition, connectionId, lo, hi, Instant.MIN, at);
            if (!found.isEmpty()) {
                return found.get(found.size() - 1);
            }
            if (lo <= beginning) {
                return null;
            }
            hi = lo;
            lookBack = lookBack.multipliedBy(4);
        }
    }

    /**
     * Every change of the connection's status written in {@code (from, to]}, in order. Restatements (the ingestor
     * publishes an unchanged status again every few seconds, see {@link ConnectionStatusEvent#restates}) are left
     * out, including that of the status in force at {@code from}: a history lists what changed.
     */
    public static List<TimedStatus> between(TopicAccess kafka, String connectionId, Instant from, Instant to) {
        TopicPartition partition = kafka.partitionOf(Topic.CONNECTION_STATUS, connectionId);
        TimedStatus before = at(kafka, connectionId, from);
        long lo = kafka.offsetAt(partition, from.plusMillis(1));
        long hi = kafka.offsetAt(partition, to.plusMillis(1));
        List<TimedStatus> changes = new ArrayList<>();
        ConnectionStatusEvent previous = (before != null) ? before.status() : null;
        for (TimedStatus status : scan(kafka, partition, connectionId, lo, hi, from, to)) {
            if (!status.status().restates(previous)) {
                changes.add(status);
            }
            previous = status.status();
        }
        return changes;
    }

    private static List<TimedStatus> scan(TopicAccess kafka, TopicPartition partition, String connectionId,
            long lo, long hi, Instant after, Instant notAfter) {
        List<TimedStatus> found = new ArrayList<>();
        kafka.scan(partition, lo, hi, record -> {
            Instant at = Instant.ofEpochMilli(record.timestamp());
            if (connectionId.equals(TopicAccess.keyOf(record)) && at.isAfter(after) && !at.isAfter(notAfter)) {
                ConnectionStatusEvent status = decodeStatus(record);
                if (status != null) {
                    found.add(new TimedStatus(at, record.offset(), status));
                }
            }
            return true;
        });
        return found;
    }


    private static ConnectionStatusEvent decodeStatus(ConsumerRecord<byte[], byte[]> record) {
        try {
            return ContractSerdes.connectionStatus().deserialize(record.topic(), record.value());
        }
        catch (ContractViolationException ex) {
            return null;
        }
    }

    private static ConnectionState decodeState(ConsumerRecord<byte[], byte[]> record) {
        try {
            return ContractSerdes.connectionState().deserialize(record.topic(), record.value());
        }
        catch (ContractViolationException ex) {
            return null;
        }
    }
}
