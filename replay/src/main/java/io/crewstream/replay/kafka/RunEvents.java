package io.crewstream.replay.kafka;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.TopicPartition;

/**
 * The steps of agent runs the ingestor wrote to the run-events topic ({@link RunEvent}: run started, tool started
 * and ended, run ended), one connection's and one session's at a time. Stateless.
 */
public final class RunEvents {

    private RunEvents() {
    }

    /** A run event, with when the ingestor wrote it. */
    public record TimedRunEvent(Instant at, long offset, RunEvent event) {
    }

    /**
     * Every run event of the session written in {@code (from, to]}, in order. Empty when the cluster has no
     * run-events topic: a pipeline older than the topic recorded no activity.
     */
    public static List<TimedRunEvent> between(TopicAccess kafka, String connectionId, String sessionKey,
            Instant from, Instant to) {
        if (!kafka.hasTopic(Topic.RUN_EVENTS)) {
            return List.of();
        }
        TopicPartition partition = kafka.partitionOf(Topic.RUN_EVENTS, connectionId);
        long lo = kafka.offsetAt(partition, from.plusMillis(1));
        long hi = kafka.offsetAt(partition, to.plusMillis(1));
        List<TimedRunEvent> found = new ArrayList<>();
        kafka.scan(partition, lo, hi, record -> {
            Instant at = Instant.ofEpochMilli(record.timestamp());
            if (connectionId.equals(TopicAccess.keyOf(record)) && at.isAfter(from) && !at.isAfter(to)) {
                RunEvent event = decode(record.topic(), record.value());
                if (event != null && event.sessionKey().equals(sessionKey)) {
                    found.add(new TimedRunEvent(at, record.offset(), event));
                }
            }
            return true;
        });
        return found;
    }

    /** A record that breaks the contract is not a step of a run; the projector dead-letters it. */
    private static RunEvent decode(String topic, byte[] value) {
        try {
            return ContractSerdes.runEvents().deserialize(topic, value);
        }
        catch (ContractViolationException ex) {
            return null;
        }
    }
}
