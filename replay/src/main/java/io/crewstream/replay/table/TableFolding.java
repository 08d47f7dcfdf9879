package io.crewstream.replay.table;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.replay.kafka.TopicAccess;
import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Rebuilds connections' session tables from the session-events topic for a span of time {@code [from, to]}: finds,
 * per connection, the nearest complete snapshot at or before {@code from}, folds the events from there
 * ({@link ConnectionFold}), hands over each table as it was at {@code from}, then every change up to {@code to}.
 *
 * <p>The cost is bounded by the distance to that snapshot, not by the topic's length: the search looks back
 * {@value #FIRST_LOOK_BACK_MINUTES} minutes first (the ingestor re-lists every gateway every minute by default) and
 * four times further each time it finds none, seeking by time ({@code offsetsForTimes}) each time; only the
 * connections' own partitions are read.
 *
 * <p>Time is the records' Kafka timestamp: when the ingestor wrote each event, which is the moment the table could
 * change. A connection's events are read in partition order up to its first event written after the instant asked
 * for; other connections' records on the partition are skipped, and reading stops
 * {@link #LATE_WRITE_ALLOWANCE} past the instant whatever happens. An event that breaks the contract is skipped, as
 * the projector dead-letters it.
 *
 * <p>Stateless; each call uses the caller's {@link TopicAccess} on the caller's thread. The listener is called in
 * the middle of a scan: it must not use that {@link TopicAccess} itself.
 */
public final class TableFolding {

    /** How far past an instant a write of an event from before it may arrive (another producer's clock, say). */
    static final Duration LATE_WRITE_ALLOWANCE = Duration.ofMinutes(1);

    static final int FIRST_LOOK_BACK_MINUTES = 2;

    /** What a fold hands over. Called on the folding thread. */
    public interface Listener {

        /** The connection's table as it was at {@code from}; once per connection, before its changes. */
        void tableAt(ConnectionFold fold, boolean exact);

        /** A change written in {@code (from, to]}, in order per connection. */
        default void changed(TableChange change) {
        }
    }

    private TableFolding() {
    }

    public static void fold(TopicAccess kafka, Set<String> connections, Instant from, Instant to,
            Listener listener) {
        Map<TopicPartition, Set<String>> byPartition = new HashMap<>();
        for (String connection : connections) {
            byPartition.computeIfAbsent(kafka.partitionOf(Topic.SESSION_EVENTS, connection), p -> new HashSet<>())
                    .add(connection);
        }
        byPartition.forEach((partition, ids) -> foldPartition(kafka, partition, ids, from, to, listener));
    }

    private static void foldPartition(TopicAccess kafka, TopicPartition partition, Set<String> connections,
            Instant from, Instant to, Listener listener) {
        long beginning = kafka.beginning(partition);
        long end = kafka.end(partition);
        Map<String, SnapshotMark> bases = findBases(kafka, partition, connections, from, beginning, end);
        long start = end;
        Map<String, Long> startOf = new HashMap<>();
        for (String connection : connections) {
            SnapshotMark base = bases.get(connection);
            long first = base == null ? beginning : base.firstOffset();
            startOf.put(connection, first);
            start = Math.min(start, first);
        }
        boolean exactFromStart = beginning == 0;
        Map<String, ConnectionFold> folds = new HashMap<>();
        Set<String> handedOver = new HashSet<>();
        Set<String> done = new HashSet<>();
        long stopAfter = to.plus(LATE_WRITE_ALLOWANCE).toEpochMilli();
        // For one instant, a snapshot whose first chunk follows the base cannot complete by it (the base is the last
        // that does): its chunks, 20 MB for 10,000 sessions, are skipped undecoded.
        boolean instant = from.equals(to);
        kafka.scan(partition, start, end, record -> {
            if (record.timestamp() > stopAfter) {
                return false;
            }
            String connection = TopicAccess.keyOf(record);
            if (connection == null || !connections.contains(connection) || done.contains(connection)
                    || record.offset() < startOf.get(connection)) {
                return true;
            }
            SnapshotMark base = bases.get(connection);
            if (instant && base != null && record.offset() > base.lastOffset()
                    && ChunkHeader.isChunk(record.value())) {
                return true;
            }
            ConnectionFold fold = folds.computeIfAbsent(connection, id -> new ConnectionFold(id, !instant));
            Instant at = Instant.ofEpochMilli(record.timestamp());
            if (at.isAfter(from) && handedOver.add(connection)) {
                listener.tableAt(fold, bases.containsKey(connection) || exactFromStart);
            }
            if (at.isAfter(to)) {
                done.add(connection);
                return done.size() < connections.size();
            }
            SessionEvent event = decode(record);
            if (event != null) {
                List<TableChange> changes = fold.apply(event, record.offset(), at);
                if (at.isAfter(from)) {
                    changes.forEach(listener::changed);
                }
            }
            return true;
        });
        for (String connection : connections) {
            if (handedOver.add(connection)) {
                listener.tableAt(folds.computeIfAbsent(connection, id -> new ConnectionFold(id, !instant)),
                        bases.containsKey(connection) || exactFromStart);
            }
        }
    }

    /**
     * The last complete snapshot of each connection at or before {@code at}, looking back further each time some
     * connection has none yet; a connection missing from the answer has none in what the partition holds.
     */
    private static Map<String, SnapshotMark> findBases(TopicAccess kafka, TopicPartition partition,
            Set<String> connections, Instant at, long beginning, long end) {
        // A snapshot complete at the instant has every chunk written by then; chunks are written in order.
        long hi = Math.min(end, kafka.offsetAt(partition, at.plusMillis(1)));
        Duration lookBack = Duration.ofMinutes(FIRST_LOOK_BACK_MINUTES);
        while (true) {
            // Beyond a century back, the whole partition: no timestamp of this pipeline is older.
            long lo = lookBack.toDays() > 36_500 ? beginning
                    : Math.max(beginning, kafka.offsetAt(partition, at.minus(lookBack)));
            Map<String, SnapshotMark> bases = new HashMap<>();
            snapshotsIn(kafka, partition, connections, at, lo, hi).forEach((connection, candidates) -> {
                // The latest whose rows add up: one that does not is never applied (the projector discards it).
                for (int i = candidates.size() - 1; i >= 0; i--) {
                    SnapshotMark counted = counted(kafka, partition, candidates.get(i));
                    if (counted != null) {
                        bases.put(connection, counted);
                        return;
                    }
                }
            });
            if (bases.size() == connections.size() || lo <= beginning) {
                return bases;
            }
            lookBack = lookBack.multipliedBy(4);
        }
    }

    /**
     * Every snapshot of each connection whose chunks all arrived in order within {@code [lo, hi)}, written at or
     * before {@code at}, oldest first; their rows not yet counted.
     */
    private static Map<String, List<SnapshotMark>> snapshotsIn(TopicAccess kafka, TopicPartition partition,
            Set<String> connections, Instant at, long lo, long hi) {
        Map<String, List<SnapshotMark>> complete = new HashMap<>();
        // The fold's own assembly rule, so that the search settles on a snapshot the fold (and the projector) applied.
        Map<String, SnapshotAssembly<ChunkHeader>> assemblies = new HashMap<>();
        kafka.scan(partition, lo, hi, record -> {
            if (record.timestamp() > at.toEpochMilli()) {
                return true;
            }
            String connection = TopicAccess.keyOf(record);
            if (connection == null || !connections.contains(connection)) {
                return true;
            }
            ChunkHeader chunk = ChunkHeader.of(record.value(), false);
            if (chunk == null) {
                return true;
            }
            SnapshotAssembly.Complete<ChunkHeader> snapshot = assemblies.computeIfAbsent(connection,
                    id -> new SnapshotAssembly<>()).add(chunk, chunk.snapshotId(), chunk.chunkIndex(),
                            chunk.chunkCount(), record.offset());
            if (snapshot != null) {
                complete.computeIfAbsent(connection, id -> new ArrayList<>()).add(new SnapshotMark(connection,
                        chunk.snapshotId(), chunk.reason(), snapshot.firstOffset(), record.offset(),
                        Instant.ofEpochMilli(record.timestamp()), chunk.totalSessions()));
            }
            return true;
        });
        return complete;
    }

    /** The snapshot with its rows counted, when they add up to its {@code totalSessions}; null when they do not. */
    private static SnapshotMark counted(TopicAccess kafka, TopicPartition partition, SnapshotMark snapshot) {
        int[] rows = new int[1];
        kafka.scan(partition, snapshot.firstOffset(), snapshot.lastOffset() + 1, record -> {
            if (snapshot.connectionId().equals(TopicAccess.keyOf(record))) {
                ChunkHeader chunk = ChunkHeader.of(record.value(), true);
                if (chunk != null && chunk.snapshotId().equals(snapshot.snapshotId())) {
                    rows[0] += chunk.rows();
                }
            }
            return true;
        });
        return rows[0] == snapshot.sessions() ? snapshot : null;
    }

    private static SessionEvent decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return ContractSerdes.sessionEvents().deserialize(record.topic(), record.value());
        }
        catch (ContractViolationException ex) {
            return null;
        }
    }
}
