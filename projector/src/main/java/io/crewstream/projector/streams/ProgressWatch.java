package io.crewstream.projector.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;

/**
 * Decides from samples of the projector's input partitions whether it makes progress: for each partition, the
 * offset its consumer group has committed and the partition's end (last stable) offset.
 *
 * <p>A partition is <b>stalled</b> when it has records beyond its committed offset, that committed offset has not
 * moved for {@code stallTimeout}, and there is evidence the projector tried and failed in that time: records arrived
 * after it stopped moving, or a stream thread died. (Without that evidence a committed offset one below the end can
 * be a transaction marker that Kafka Streams had no reason to commit past; it is not a stall.) A partition whose
 * committed offset moves, or that has nothing left to read, is progressing.
 *
 * <p>Pure logic, no I/O and no clock of its own: the caller passes the sample's time. Not thread-safe: one thread
 * observes ({@link ProgressMonitor}'s), and what others read is the immutable {@link Verdict} it publishes.
 */
public final class ProgressWatch {

    /** What the samples so far say. */
    public record Verdict(State state, long lag, Long stalledSinceMillis, List<String> stalledPartitions) {

        static final Verdict UNKNOWN = new Verdict(State.UNKNOWN, 0, null, List.of());

        public Verdict {
            stalledPartitions = List.copyOf(stalledPartitions);
        }
    }

    public enum State {
        /** Nothing sampled yet (the projector is starting, or Kafka did not answer). */
        UNKNOWN,
        /** Every partition is caught up or its committed offset moves. */
        PROGRESSING,
        /** At least one partition is stalled (see the class comment). */
        STALLED
    }

    /** One partition's committed offset, since when it has stood there, and where the partition ended then. */
    private record Standing(long committed, long sinceMillis, long endThen) {
    }

    private final long stallTimeoutMillis;

    private final Map<TopicPartition, Standing> partitions = new HashMap<>();

    private long lastThreadFailureMillis = Long.MIN_VALUE;

    ProgressWatch(Duration stallTimeout) {
        this.stallTimeoutMillis = stallTimeout.toMillis();
    }

    /** A stream thread died at {@code atMillis} (and was replaced, or not). */
    void threadFailed(long atMillis) {
        this.lastThreadFailureMillis = Math.max(this.lastThreadFailureMillis, atMillis);
    }

    /** Forgets every partition: the projector stopped, and what it did before says nothing of what it does next. */
    void reset() {
        this.partitions.clear();
    }

    /**
     * @param committed the group's committed offset per input partition; a partition missing here has none yet
     * @param end the end offset of every input partition
     */
    Verdict observe(long atMillis, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> end) {
        long lag = 0;
        Long stalledSince = null;
        TreeSet<String> stalled = new TreeSet<>();
        this.partitions.keySet().retainAll(end.keySet());
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            long endOffset = partition.getValue();
            long committedOffset = committed.getOrDefault(partition.getKey(), -1L);
            long behind = Math.max(0, endOffset - Math.max(0, committedOffset));
            lag += behind;
            Standing standing = this.partitions.get(partition.getKey());
            if (standing == null || standing.committed() != committedOffset || behind == 0) {
                this.partitions.put(partition.getKey(), new Standing(committedOffset, atMillis, endOffset));
                continue;
            }
            boolean triedAndFailed = endOffset > standing.endThen()
                    || this.lastThreadFailureMillis >= standing.sinceMillis();
            if (atMillis - standing.sinceMillis() >= this.stallTimeoutMillis && triedAndFailed) {
                stalled.add(partition.getKey().toString());
                stalledSince = (stalledSince == null) ? standing.sinceMillis()
                        : Math.min(stalledSince, standing.sinceMillis());
            }
        }
        return new Verdict(stalled.isEmpty() ? State.PROGRESSING : State.STALLED, lag, stalledSince,
                List.copyOf(stalled));
    }
}
