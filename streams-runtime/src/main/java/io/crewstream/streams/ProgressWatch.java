package io.crewstream.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;

/**
 * Decides from samples of a Kafka Streams app's input partitions whether this instance makes progress: for each
 * partition, the offset the consumer group has committed and the partition's end (last stable) offset, plus whether
 * Kafka Streams was running and which partitions this instance's tasks held.
 *
 * <p>A partition is <b>stalled</b> when all of these hold:
 * <ul>
 * <li>records wait beyond its committed offset, and that offset has not moved for {@code stallTimeout} of time
 * during which Kafka Streams was running (time spent rebalancing or restoring stores does not count: a long restore
 * is not a stall);</li>
 * <li>this instance held it at some sample in that time (another instance's partitions are that instance's
 * business; a stream thread that died still counts as having held what it held);</li>
 * <li>there is evidence the app tried and failed: records arrived after the offset stopped moving, a stream
 * thread died in that time, or at least two records wait. (One record waiting and nothing else may be a transaction
 * marker that Kafka Streams had no reason to commit past.)</li>
 * </ul>
 * A partition whose committed offset moves, or that has nothing left to read, is progressing.
 *
 * <p>Pure logic, no I/O and no clock of its own: the caller passes each sample's time. Not thread-safe: one thread
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
        /** Nothing sampled yet (the app is starting, or Kafka did not answer). */
        UNKNOWN,
        /** No partition of this instance is stalled. */
        PROGRESSING,
        /** At least one partition is stalled (see the class comment). */
        STALLED
    }

    /** One partition's committed offset, since when it has stood there, and what happened meanwhile. */
    private static final class Standing {

        private final long committed;
        private final long sinceMillis;
        private final long endThen;
        private long runningMillis;
        private boolean held;

        Standing(long committed, long sinceMillis, long endThen, boolean held) {
            this.committed = committed;
            this.sinceMillis = sinceMillis;
            this.endThen = endThen;
            this.held = held;
        }
    }

    private final long stallTimeoutMillis;

    private final Map<TopicPartition, Standing> partitions = new HashMap<>();

    private long lastSampleMillis;

    private boolean lastRunning;

    ProgressWatch(Duration stallTimeout) {
        this.stallTimeoutMillis = stallTimeout.toMillis();
    }

    /** Forgets every partition: the app stopped, and what it did before says nothing of what it does next. */
    void reset() {
        this.partitions.clear();
        this.lastRunning = false;
    }

    /**
     * @param lastThreadFailureMillis when a stream thread last died (and was replaced, or not), as
     *     {@link ThreadFailures#lastMillis()} says; {@code Long.MIN_VALUE} if none has
     * @param running whether Kafka Streams was running (not rebalancing, restoring or stopping)
     * @param held the input partitions this instance's tasks held
     * @param committed the group's committed offset per input partition; a partition missing here has none yet
     * @param end the end offset of every input partition
     */
    Verdict observe(long atMillis, long lastThreadFailureMillis, boolean running, Set<TopicPartition> held,
            Map<TopicPartition, Long> committed, Map<TopicPartition, Long> end) {
        long elapsedRunning = (running && this.lastRunning) ? Math.max(0, atMillis - this.lastSampleMillis) : 0;
        this.lastSampleMillis = atMillis;
        this.lastRunning = running;
        long lag = 0;
        Long stalledSince = null;
        TreeSet<String> stalled = new TreeSet<>();
        this.partitions.keySet().retainAll(end.keySet());
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            long endOffset = partition.getValue();
            long committedOffset = committed.getOrDefault(partition.getKey(), -1L);
            long behind = Math.max(0, endOffset - Math.max(0, committedOffset));
            boolean heldNow = held.contains(partition.getKey());
            if (heldNow) {
                lag += behind;
            }
            Standing standing = this.partitions.get(partition.getKey());
            if (standing == null || standing.committed != committedOffset || behind == 0) {
                this.partitions.put(partition.getKey(), new Standing(committedOffset, atMillis, endOffset, heldNow));
                continue;
            }
            standing.runningMillis += elapsedRunning;
            standing.held |= heldNow;
            boolean triedAndFailed = endOffset > standing.endThen || behind >= 2
                    || lastThreadFailureMillis >= standing.sinceMillis;
            if (standing.held && standing.runningMillis >= this.stallTimeoutMillis && triedAndFailed) {
                stalled.add(partition.getKey().toString());
                stalledSince = (stalledSince == null) ? standing.sinceMillis
                        : Math.min(stalledSince, standing.sinceMillis);
            }
        }
        return new Verdict(stalled.isEmpty() ? State.PROGRESSING : State.STALLED, lag, stalledSince,
                List.copyOf(stalled));
    }
}
