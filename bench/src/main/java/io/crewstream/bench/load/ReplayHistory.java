package io.crewstream.bench.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the ingestor and the projector for the replay scenario: writes the history of one gateway connection over a
 * simulated span, every record with an explicit Kafka timestamp (the replay engine's time axis), as fast as the
 * broker takes it. Over the span, on a simulated clock:
 *
 * <ul>
 * <li>session-events: an {@code initial} snapshot of {@code sessions} rows at the start, a {@code reconciliation}
 * snapshot every {@code snapshotInterval}, chunked as the ingestor's {@code SnapshotChunker} does (rows grouped under
 * a target serialized size; its chunks 1 ms apart); upserts and removals at {@code deltaRate} (one in ten removes a
 * session, the next creates one, so the table keeps its size);</li>
 * <li>raw-frames: a {@code sessions.changed} event frame of about {@code frameBytes} at {@code frameRate}, the
 * delta that a frame caused carrying its {@code seq};</li>
 * <li>connection-status: connected at the start, and one 5 s outage per hour (at minute 30 and a half), with no
 * frames or deltas during it and a {@code reconnect} snapshot after; connection-state: the connection's row.</li>
 * </ul>
 *
 * It remembers what a reader must find: every snapshot's completion time, the table's size after each change, and the
 * timestamps of every frame and of those naming {@code watchedSession}. Not thread-safe.
 */
public final class ReplayHistory implements AutoCloseable {

    public static final String CONNECTION_ID = "bench";

    /** Room for a chunk's own fields around its rows, as the ingestor's chunker reserves. */
    private static final int CHUNK_ENVELOPE_BYTES = 1024;

    private static final long OUTAGE_AT_MS = 1830_000;

    private static final long OUTAGE_MS = 5_000;

    private static final String PREVIEW = "Ran the projector's integration tests again after the fold fix; two "
            + "failures left in the resume path, both about tombstones older than the compaction lag. Looking at "
            + "the gateway's refresh cache next. ";

    /** What to write. */
    public record Settings(Instant start, Duration span, int sessions, int rowBytes, Duration snapshotInterval,
            int deltaRate, int frameRate, int frameBytes, int chunkBytes, String watchedSession) {
    }

    /** A snapshot as written: when its first chunk and its last were written. */
    public record Snapshot(String reason, Instant firstChunkAt, Instant completedAt, int chunks, int rows) {
    }

    private final Settings settings;

    private final TopicNamespace namespace;

    private final KafkaProducer<String, byte[]> producer;

    private final AtomicLong failures = new AtomicLong();

    private final Random random = new Random(13);

    private final List<String> keys = new ArrayList<>();

    private final Map<String, SessionRow> rows = new HashMap<>();

    private final Map<String, Integer> rowSizes = new HashMap<>();

    private final List<Snapshot> snapshots = new ArrayList<>();

    private final LongList sizeChangedAt = new LongList();

    private final LongList sizeAfter = new LongList();

    private final LongList frameTimes = new LongList();

    private final LongList watchedFrameTimes = new LongList();

    private long bytes;

    private long records;

    private long deltas;

    private long seq;

    private int nextIndex;

    private long version;

    private int frameEnvelope = 190;

    /** The last timestamp on session-events: deltas never go back before a snapshot's last chunk. */
    private long sessionEventsClock;

    public ReplayHistory(String bootstrapServers, TopicNamespace namespace, Settings settings) {
        this.settings = settings;
        this.namespace = namespace;
        // Throughput, not latency: large batches, one ack, no compression (the ingestor's topics are uncompressed).
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "none", ProducerConfig.BUFFER_MEMORY_CONFIG,
                256L * 1024 * 1024), new StringSerializer(), new ByteArraySerializer());
    }

    /** Writes the whole history and waits until the broker has every record. */
    public void write() {
        long span = this.settings.span().toMillis();
        long interval = this.settings.snapshotInterval().toMillis();
        long begin = this.settings.start().toEpochMilli();
        ConnectionState state = ConnectionState.of(CONNECTION_ID, UpstreamState.CONNECTED, null, null, begin,
                "2026.9.6", null, null, this.settings.sessions(), "ws://127.0.0.1:18789", begin);
        send(Topic.CONNECTION_STATE, System.currentTimeMillis(), ContractSerdes.connectionState().serialize(null,
                state));
        status(begin, UpstreamState.CONNECTED);
        for (int i = 0; i < this.settings.sessions(); i++) {
            put(newRow());
        }
        snapshot(begin, "initial");
        long nextSnapshot = interval;
        long frames = 0;
        long deltasScheduled = 0;
        for (long t = 0; t <= span; t++) {
            long hourAt = t % 3_600_000;
            if (hourAt == OUTAGE_AT_MS) {
                status(begin + t, UpstreamState.UNREACHABLE);
            }
            else if (hourAt == OUTAGE_AT_MS + OUTAGE_MS) {
                status(begin + t, UpstreamState.CONNECTED);
                snapshot(begin + t, "reconnect");
            }
            boolean down = hourAt >= OUTAGE_AT_MS && hourAt < OUTAGE_AT_MS + OUTAGE_MS;
            if (t == nextSnapshot) {
                if (!down) {
                    snapshot(begin + t, "reconciliation");
                }
                nextSnapshot += interval;
            }
            long framesDue = (t + 1) * this.settings.frameRate() / 1000;
            long deltasDue = (t + 1) * this.settings.deltaRate() / 1000;
            if (down) {
                // Nothing arrives from a gateway that is not connected; the schedules resume after.
                frames = framesDue;
                deltasScheduled = deltasDue;
                continue;
            }
            while (frames < framesDue) {
                // At most one delta per frame: each is the change its frame announced.
                boolean changes = deltasScheduled < deltasDue;
                frame(begin + t, changes);
                frames++;
                deltasScheduled += changes ? 1 : 0;
            }
        }
        this.producer.flush();
        if (this.failures.get() > 0) {
            throw new IllegalStateException(this.failures.get() + " records could not be written; see the log");
        }
    }

    /** A frame at {@code at}; when a delta is due, the change it announces, written right after it. */
    private void frame(long at, boolean changes) {
        long frameSeq = ++this.seq;
        String reason = "patch";
        SessionRow row;
        if (changes && this.deltas % 10 == 5) {
            reason = "delete";
            row = this.rows.get(this.keys.get(this.random.nextInt(this.keys.size())));
        }
        else if (changes && this.deltas % 10 == 6) {
            reason = "create";
            row = newRow();
        }
        else {
            SessionRow current = this.rows.get(this.keys.get(this.random.nextInt(this.keys.size())));
            row = changes ? BenchRows.row(indexOf(current.key()), ++this.version, this.settings.rowBytes(), -1)
                    : current;
        }
        String text = frameText(row, reason, at, frameSeq);
        RawFrame frame = RawFrame.of(CONNECTION_ID, at, "event", "sessions.changed", frameSeq,
                text.length(), false, text);
        byte[] value = ContractSerdes.rawFrames().serialize(null, frame);
        this.frameEnvelope = value.length - text.length();
        send(Topic.RAW_FRAMES, at, value);
        this.frameTimes.add(at);
        if (row.key().equals(this.settings.watchedSession())) {
            this.watchedFrameTimes.add(at);
        }
        if (!changes) {
            return;
        }
        long deltaAt = Math.max(at, this.sessionEventsClock);
        if (reason.equals("delete")) {
            remove(row.key());
            event(deltaAt, ContractSerdes.sessionEvents().serialize(null, SessionRemoved.of(CONNECTION_ID,
                    row.key(), reason, frameSeq, at)));
        }
        else {
            put(row);
            event(deltaAt, ContractSerdes.sessionEvents().serialize(null, SessionUpserted.of(CONNECTION_ID, reason,
                    frameSeq, at, row)));
        }
        if (!reason.equals("patch")) {
            this.sizeChangedAt.add(deltaAt);
            this.sizeAfter.add(this.keys.size());
        }
        this.deltas++;
    }

    /** A {@code sessions.changed} event as the gateway sends it, padded with preview text to about frameBytes. */
    private String frameText(SessionRow row, String reason, long at, long frameSeq) {
        String head = "{\"type\":\"event\",\"event\":\"sessions.changed\",\"payload\":{\"sessionKey\":\"" + row.key()
                + "\",\"agentId\":\"main\",\"reason\":\"" + reason + "\",\"ts\":" + at;
        String tail = "},\"seq\":" + frameSeq + "}";
        if (reason.equals("delete")) {
            return head + tail;
        }
        String fields = ",\"status\":\"" + row.fields().path("status").asString("running") + "\",\"totalTokens\":"
                + row.fields().path("totalTokens").asLong() + ",\"model\":\"claude-sonnet-4-5\"";
        // The RawFrame envelope (ids, times, escaped quotes) is about as large as the previous frame's.
        int room = Math.max(0, this.settings.frameBytes() - this.frameEnvelope - head.length() - fields.length()
                - tail.length() - 25);
        int from = (int) (frameSeq % PREVIEW.length());
        String preview = (PREVIEW + PREVIEW + PREVIEW + PREVIEW).substring(from, from + Math.min(room,
                PREVIEW.length() * 3));
        return head + fields + ",\"lastMessagePreview\":\"" + preview + "\"" + tail;
    }

    /** The current table as a snapshot, chunked under the target size, its chunks 1 ms apart. */
    private void snapshot(long at, String reason) {
        List<List<SessionRow>> groups = new ArrayList<>();
        List<SessionRow> current = new ArrayList<>();
        long currentBytes = CHUNK_ENVELOPE_BYTES;
        for (String key : this.keys) {
            int size = this.rowSizes.get(key);
            if (!current.isEmpty() && currentBytes + size > this.settings.chunkBytes()) {
                groups.add(current);
                current = new ArrayList<>();
                currentBytes = CHUNK_ENVELOPE_BYTES;
            }
            current.add(this.rows.get(key));
            currentBytes += size;
        }
        groups.add(current);
        String snapshotId = UUID.randomUUID().toString();
        long chunkAt = Math.max(at, this.sessionEventsClock);
        long first = chunkAt;
        for (int i = 0; i < groups.size(); i++) {
            SnapshotChunk chunk = SnapshotChunk.of(CONNECTION_ID, snapshotId, reason, i, groups.size(),
                    this.keys.size(), at, groups.get(i));
            chunkAt = first + i;
            event(chunkAt, ContractSerdes.sessionEvents().serialize(null, chunk));
        }
        this.snapshots.add(new Snapshot(reason, Instant.ofEpochMilli(first), Instant.ofEpochMilli(chunkAt),
                groups.size(), this.keys.size()));
    }

    private void status(long at, UpstreamState state) {
        boolean up = state == UpstreamState.CONNECTED;
        ConnectionStatusEvent status = ConnectionStatusEvent.of(CONNECTION_ID, state, up ? null
                : "Connection refused: ws://127.0.0.1:18789", up ? null : "connect_failed", at, "2026.9.6", null,
                "ws://127.0.0.1:18789", at);
        send(Topic.CONNECTION_STATUS, at, ContractSerdes.connectionStatus().serialize(null, status));
    }

    private SessionRow newRow() {
        return BenchRows.row(this.nextIndex++, ++this.version, this.settings.rowBytes(), -1);
    }

    private static int indexOf(String key) {
        return Integer.parseInt(key.substring(key.lastIndexOf('-') + 1));
    }

    private void put(SessionRow row) {
        if (this.rows.put(row.key(), row) == null) {
            this.keys.add(row.key());
        }
        // As the ingestor's chunker counts: serialized, plus the comma between rows.
        this.rowSizes.put(row.key(), ContractJson.mapper().writeValueAsBytes(row).length + 1);
    }

    private void remove(String key) {
        this.rows.remove(key);
        this.rowSizes.remove(key);
        int at = this.keys.indexOf(key);
        this.keys.set(at, this.keys.get(this.keys.size() - 1));
        this.keys.remove(this.keys.size() - 1);
    }

    private void event(long at, byte[] value) {
        this.sessionEventsClock = Math.max(this.sessionEventsClock, at);
        send(Topic.SESSION_EVENTS, at, value);
    }

    private void send(Topic topic, long at, byte[] value) {
        this.bytes += value.length;
        this.records++;
        this.producer.send(new ProducerRecord<>(this.namespace.name(topic), null, at, CONNECTION_ID, value),
                (metadata, failure) -> {
                    if (failure != null && this.failures.getAndIncrement() == 0) {
                        System.err.println("[bench] write failed: " + failure);
                    }
                });
    }

    public List<Snapshot> snapshots() {
        return List.copyOf(this.snapshots);
    }

    /** How many sessions the table held at {@code at}, as the events written up to it made it. */
    public int sessionsAt(Instant at) {
        int index = this.sizeChangedAt.lastAtOrBefore(at.toEpochMilli());
        return index < 0 ? this.settings.sessions() : (int) this.sizeAfter.get(index);
    }

    /** Frames written in {@code [from, to]}; of those naming the watched session when {@code watched}. */
    public long framesIn(Instant from, Instant to, boolean watched) {
        LongList times = watched ? this.watchedFrameTimes : this.frameTimes;
        return times.lastAtOrBefore(to.toEpochMilli()) - times.lastAtOrBefore(from.toEpochMilli() - 1);
    }

    public long bytes() {
        return this.bytes;
    }

    public long records() {
        return this.records;
    }

    public long deltas() {
        return this.deltas;
    }

    public long frames() {
        return this.frameTimes.size();
    }

    @Override
    public void close() {
        this.producer.close();
    }

    /** A growable array of longs in ascending order. */
    private static final class LongList {

        private long[] values = new long[1024];

        private int size;

        void add(long value) {
            if (this.size == this.values.length) {
                this.values = Arrays.copyOf(this.values, this.size * 2);
            }
            this.values[this.size++] = value;
        }

        long get(int index) {
            return this.values[index];
        }

        int size() {
            return this.size;
        }

        /** The index of the last value at or before {@code value}; -1 if none. */
        int lastAtOrBefore(long value) {
            int lo = 0;
            int hi = this.size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (this.values[mid] <= value) {
                    lo = mid + 1;
                }
                else {
                    hi = mid;
                }
            }
            return lo - 1;
        }
    }
}
