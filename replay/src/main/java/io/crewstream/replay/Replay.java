package io.crewstream.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Consumer;

import io.crewstream.replay.kafka.ConnectionStatuses;
import io.crewstream.replay.kafka.FrameReplay;
import io.crewstream.replay.kafka.ReplaySource;
import io.crewstream.replay.kafka.RunEvents;
import io.crewstream.replay.kafka.RetainedRange;
import io.crewstream.replay.kafka.TopicAccess;
import io.crewstream.replay.table.ConnectionFold;
import io.crewstream.replay.table.ConnectionTableAt;
import io.crewstream.replay.table.HistoryEntry;
import io.crewstream.replay.table.SessionHistory;
import io.crewstream.replay.table.TableChange;
import io.crewstream.replay.table.TableDiff;
import io.crewstream.replay.table.TableFolding;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.SessionRow;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The replay engine: the questions a person debugging a dashboard asks of the topics, each answered from Kafka on
 * demand and bounded by what it asks (seek by time, the connection's own partitions, the nearest snapshot), never by
 * the topics' length. The command line, the replay page and the tests all ask through it.
 *
 * <ul>
 * <li>{@link #frames}: what the gateway sent in a span of time;</li>
 * <li>{@link #stateAt}: the session table and each gateway's connection state at an instant;</li>
 * <li>{@link #diff}: what changed between two instants;</li>
 * <li>{@link #history}: one session's changes, the frames that name it, the steps of its agent runs and its gateway's
 * status changes;</li>
 * <li>{@link #changes}: the table changes of a span, one by one;</li>
 * <li>{@link #export}: every record of a topic in a span, as stored.</li>
 * </ul>
 *
 * Arguments are checked first: an unknown connection names the known ones, a time older than what the topic still
 * holds gives the earliest time available, an end before its start is refused; each as a {@link ReplayException}.
 *
 * <p>Thread-safe: each question opens its own consumer ({@link TopicAccess}) and closes it before answering.
 */
public final class Replay {

    /** Time order; at the same millisecond a frame before the status and the change it may have caused. */
    private static final Comparator<HistoryEntry> HISTORY_ORDER = Comparator.comparing(HistoryEntry::at)
            .thenComparingInt(HistoryEntry::rank);

    private final ReplaySource source;

    public Replay(ReplaySource source) {
        this.source = source;
    }

    public ReplaySource source() {
        return this.source;
    }

    /** The gateways the pipeline knows (a row in the connection-state table). */
    public SortedSet<String> connections() {
        try (TopicAccess kafka = new TopicAccess(this.source)) {
            return ConnectionStatuses.known(kafka);
        }
    }

    /**
     * Checks that the pipeline knows the connection, for a caller that reads the topics itself ({@code tail}): one
     * read of the connection table, nothing else.
     *
     * @throws ReplayException ({@link ReplayException.Reason#UNKNOWN_CONNECTION}) naming the known ones
     */
    public void requireKnown(String connectionId) {
        try (TopicAccess kafka = new TopicAccess(this.source)) {
            requireKnown(kafka, connectionId);
        }
    }

    /** What the topic still holds of a connection's partition. */
    public RetainedRange retained(Topic topic, String connectionId) {
        try (TopicAccess kafka = new TopicAccess(this.source)) {
            requireKnown(kafka, connectionId);
            return kafka.retained(topic, connectionId);
        }
    }

    /** The raw frames of a span; see {@link FrameReplay#frames}. */
    public void frames(String connectionId, Instant from, Instant to, String sessionKey, FrameReplay.Sink sink) {
        requireOrder(from, to);
        try (TopicAccess kafka = new TopicAccess(this.source)) {
            requireKnown(kafka, connectionId);
            requireRetained(kafka, Topic.RAW_FRAMES, connectionId, from);
            FrameReplay.frames(kafka, connectionId, from, to, sessionKey, sink);
        }
    }

    /** Every gateway's part of the table at {@code at}, or one gateway's when {@code connectionId} is not null. */
    public List<ConnectionTableAt> stateAt(Instant at, String connectionId) {
        try (TopicAccess kafka = new TopicAccess(this.source)) {
            return stateAt(kafka, at, connections(kafka, connectionId));
        }
    }

    /** What changed between two instants, for every gateway or one. */
    public TableDiff diff(Instant from, Instant to, String connectionId) {
        requireOrder(from, to);
        try (TopicAccess kafka = new TopicAccess(this.source)) {
            Set<String> ids = connections(kafka, connectionId);
            return TableDiff.between(stateAt(kafka, from, ids), stateAt(kafka, to, ids));
        }
    }

    /** The table changes of one gateway in {@code (from, to]}, at most {@code limit} of them, in order. */
    public List<TableChange> changes(String connectionId, Instant from, Instant to, int limit) {
        List<TableChange> changes = new ArrayList<>();
        changes(connectionId, from, to, change -> {
            if (changes.size() < limit) {
                changes.add(change);
            }
        });
        return changes;
    }

    /**
     * The table changes of one gateway in {@code (from, to]}, handed to {@code sink} in order as the fold makes them
     * (on the calling thread): for a caller that keeps only some, e.g. the last ones, whatever the window holds.
     */
    public void changes(String connectionId, Instant from, Instant to, Consumer<TableChange> sink) {
        requireOrder(from, to);
        try (TopicAccess kafka = new TopicAccess(this.source)) {
            Set<String> ids = connections(kafka, connectionId);
            TableFolding.fold(kafka, ids, from, to, new TableFolding.Listener() {
                @Override
                public void tableAt(ConnectionFold fold, boolean exact) {
                }

                @Override
                public void changed(TableChange change) {
                    sink.accept(change);
                }
            });
        }
    }

    /** One session's history in {@code [from, to]}; see {@link SessionHistory}. */
    public SessionHistory history(String connectionId, String sessionKey, Instant from, Instant to) {
        requireOrder(from, to);
        try (TopicAccess kafka = new TopicAccess(this.source)) {
            requireKnown(kafka, connectionId);
            requireRetained(kafka, Topic.SESSION_EVENTS, connectionId, from);
            SessionRow[] initial = new SessionRow[1];
            List<HistoryEntry> entries = new ArrayList<>();
            Set<Long> causes = new HashSet<>();
            TableFolding.fold(kafka, Set.of(connectionId), from, to, new TableFolding.Listener() {
                @Override
                public void tableAt(ConnectionFold fold, boolean exact) {
                    initial[0] = fold.session(sessionKey);
                }

                @Override
                public void changed(TableChange change) {
                    if (change.sessionKey().equals(sessionKey)) {
                        entries.add(new HistoryEntry.Change(change));
                        if (change.cause().upstreamSeq() != null) {
                            causes.add(change.cause().upstreamSeq());
                        }
                    }
                }
            });
            FrameReplay.frames(kafka, connectionId, from, to, sessionKey, frame -> {
                var decoded = frame.decode();
                entries.add(new HistoryEntry.Frame(frame.at(), frame.offset(), decoded,
                        decoded.seq() != null && causes.contains(decoded.seq())));
                return true;
            });
            ConnectionStatuses.between(kafka, connectionId, from, to).forEach(
                    status -> entries.add(new HistoryEntry.Status(status.at(), status.status())));
            RunEvents.between(kafka, connectionId, sessionKey, from, to).forEach(
                    run -> entries.add(new HistoryEntry.Run(run.at(), run.offset(), run.event())));
            entries.sort(HISTORY_ORDER);
            return new SessionHistory(connectionId, sessionKey, from, to, initial[0], entries);
        }
    }

    /** Takes exported records in order; answers false to stop. Called on the exporting thread. */
    @FunctionalInterface
    public interface RecordSink {
        boolean accept(ConsumerRecord<byte[], byte[]> record);
    }

    /**
     * Every record of {@code topic} written in {@code [from, to]} ({@code to} null: up to the newest at the time of
     * the call), partition after partition, each in its order, as stored (headers included). Memory stays constant
     * whatever the span: records are handed over as they are fetched.
     *
     * @throws ReplayException when {@code from} is older than what a partition still holds (retention deleted it)
     */
    public void export(Topic topic, Instant from, Instant to, RecordSink sink) {
        requireOrder(from, to);
        try (TopicAccess kafka = new TopicAccess(this.source)) {
            List<TopicPartition> partitions = kafka.partitions(topic);
            for (TopicPartition partition : partitions) {
                requireRetained(kafka, partition, from, partition + " still holds");
            }
            long fromMillis = from.toEpochMilli();
            long toMillis = to == null ? Long.MAX_VALUE : to.toEpochMilli();
            for (TopicPartition partition : partitions) {
                long start = kafka.offsetAt(partition, from);
                long end = to == null ? kafka.end(partition) : kafka.offsetAt(partition, to.plusMillis(1));
                boolean[] stopped = new boolean[1];
                kafka.scan(partition, start, end, record -> {
                    if (record.timestamp() < fromMillis || record.timestamp() > toMillis) {
                        return true;
                    }
                    stopped[0] = !sink.accept(record);
                    return !stopped[0];
                });
                if (stopped[0]) {
                    return;
                }
            }
        }
    }

    private List<ConnectionTableAt> stateAt(TopicAccess kafka, Instant at, Set<String> ids) {
        for (String id : ids) {
            requireRetained(kafka, Topic.SESSION_EVENTS, id, at);
        }
        List<ConnectionTableAt> folded = new ArrayList<>();
        // The listener runs inside the scan of the session events: the statuses, which need the consumer too, after.
        TableFolding.fold(kafka, ids, at, at, (fold, exact) -> folded.add(new ConnectionTableAt(fold.connectionId(),
                at, fold.sessions(), null, fold.lastSnapshot(), exact)));
        List<ConnectionTableAt> tables = new ArrayList<>();
        for (ConnectionTableAt table : folded) {
            ConnectionStatuses.TimedStatus status = ConnectionStatuses.at(kafka, table.connectionId(), at);
            tables.add(new ConnectionTableAt(table.connectionId(), at, table.sessions(),
                    status == null ? null : status.status(), table.basis(), table.exact()));
        }
        tables.sort(Comparator.comparing(ConnectionTableAt::connectionId));
        return tables;
    }

    private Set<String> connections(TopicAccess kafka, String connectionId) {
        if (connectionId != null) {
            requireKnown(kafka, connectionId);
            return Set.of(connectionId);
        }
        return ConnectionStatuses.known(kafka);
    }

    private void requireKnown(TopicAccess kafka, String connectionId) {
        SortedSet<String> known = ConnectionStatuses.known(kafka);
        if (!known.contains(connectionId)) {
            throw new ReplayException(ReplayException.Reason.UNKNOWN_CONNECTION, "no gateway connection '"
                    + connectionId + "'; known: " + (known.isEmpty() ? "none yet" : String.join(", ", known)));
        }
    }

    private static void requireRetained(TopicAccess kafka, Topic topic, String connectionId, Instant time) {
        requireRetained(kafka, kafka.partitionOf(topic, connectionId), time, kafka.name(topic) + " still holds for '"
                + connectionId + "'");
    }

    /** @param holds what the message says holds the partition's records, e.g. "the-topic-0 still holds" */
    private static void requireRetained(TopicAccess kafka, TopicPartition partition, Instant time, String holds) {
        Instant earliest = kafka.lostBefore(partition);
        if (earliest != null && time.isBefore(earliest)) {
            throw new ReplayException(ReplayException.Reason.BEFORE_RETENTION, time + " is older than what " + holds
                    + ": the earliest time available is " + earliest);
        }
    }

    private static void requireOrder(Instant from, Instant to) {
        if (to != null && to.isBefore(from)) {
            throw new ReplayException(ReplayException.Reason.BAD_RANGE, "the end (" + to
                    + ") is before the start (" + from + ")");
        }
    }
}
