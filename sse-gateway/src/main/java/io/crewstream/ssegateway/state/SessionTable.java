package io.crewstream.ssegateway.state;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionState;

/**
 * The latest state of every session and every gateway connection, as read from the projector's compacted topics,
 * with the position it was read up to and a bounded log of recent changes.
 *
 * <p>Threading: every method synchronizes on this table. Changes are applied by the one reader thread, and the
 * {@link TableListener} is called under the same lock, so {@link #atomically} lets a caller take a snapshot and
 * register for later changes as one step: no change can fall between the two, none can be seen twice.
 *
 * <p>Besides the content, the table keeps when each connection's row last arrived (on this process's clock) and the
 * {@link PipelineView} that says whether the content is being kept up to date; {@code PipelineWatch} sets the latter,
 * under the same lock, so a client's initial state and the pipeline status it is sent with always agree.
 */
public final class SessionTable {

    private final TableListener listener;

    private final ChangeLog changeLog;

    private final Map<String, SessionState> sessions = new TreeMap<>();

    private final Map<String, ConnectionState> connections = new TreeMap<>();

    /** Clock millis at which each connection's current row was applied. */
    private final Map<String, Long> connectionsReceivedAt = new HashMap<>();

    private final Clock clock;

    private PipelineView pipeline;

    private Position position;

    private boolean loaded;

    public SessionTable(TableListener listener, int changeLogSize, Clock clock) {
        this.listener = listener;
        this.changeLog = new ChangeLog(changeLogSize);
        this.clock = clock;
        this.pipeline = PipelineView.initial(clock.millis());
    }

    /**
     * Called once by the reader before the first record.
     * @param start the offsets reading starts at
     * @param resumable the offsets from which changes are retained for resume: the end offsets at start, because
     * what was read before them may have lost tombstones to compaction and so cannot be replayed exactly
     */
    synchronized void start(Position start, Position resumable) {
        this.position = start;
        this.changeLog.reset(resumable);
        this.sessions.clear();
        this.connections.clear();
        this.connectionsReceivedAt.clear();
        this.loaded = false;
    }

    /**
     * Applies records in order, then moves the position to at least {@code consumerPosition}, which also covers
     * offsets that hold no record (transaction markers, compacted gaps).
     */
    synchronized void apply(List<TableRecord> records, Position consumerPosition) {
        for (TableRecord record : records) {
            apply(record);
        }
        if (consumerPosition != null && consumerPosition.sameShapeAs(this.position)) {
            this.position = this.position.max(consumerPosition);
        }
    }

    private void apply(TableRecord record) {
        this.position = this.position.after(record.topic(), record.partition(), record.offset());
        if (record.rejected()) {
            return;
        }
        TableChange change = (record.topic() == TableTopic.SESSIONS) ? applySession(record) : applyConnection(record);
        if (change == null) {
            return;
        }
        this.changeLog.add(change);
        if (this.loaded) {
            this.listener.onChange(change);
        }
    }

    private TableChange applySession(TableRecord record) {
        String key = record.sessionKey().format();
        SessionState previous = (record.session() != null) ? this.sessions.put(key, record.session())
                : this.sessions.remove(key);
        if (record.session() == null && previous == null) {
            // A tombstone for a session this table never had: nothing changed.
            return null;
        }
        TableChange.Kind kind = (record.session() == null) ? TableChange.Kind.SESSION_REMOVED
                : (previous == null) ? TableChange.Kind.SESSION_CREATED : TableChange.Kind.SESSION_UPDATED;
        return new TableChange(kind, record.topic(), record.partition(), record.offset(), this.position,
                record.connectionId(), record.sessionKey(), record.session(), previous, null, record.timestamp());
    }

    private TableChange applyConnection(TableRecord record) {
        ConnectionState current = this.connections.get(record.connectionId());
        if (record.connection() != null && record.connection().restates(current)) {
            // The ingestor restating an unchanged status: proof that the pipeline moves, not a change to tell
            // clients (nor to keep for resume, where every 5 s per gateway it would crowd out real changes).
            this.connections.put(record.connectionId(), record.connection());
            this.connectionsReceivedAt.put(record.connectionId(), this.clock.millis());
            return null;
        }
        ConnectionState previous = (record.connection() != null)
                ? this.connections.put(record.connectionId(), record.connection())
                : this.connections.remove(record.connectionId());
        if (record.connection() != null) {
            this.connectionsReceivedAt.put(record.connectionId(), this.clock.millis());
        }
        else {
            this.connectionsReceivedAt.remove(record.connectionId());
        }
        if (record.connection() == null && previous == null) {
            return null;
        }
        TableChange.Kind kind = (record.connection() == null) ? TableChange.Kind.GATEWAY_REMOVED
                : TableChange.Kind.GATEWAY_CHANGED;
        return new TableChange(kind, record.topic(), record.partition(), record.offset(), this.position,
                record.connectionId(), null, null, null, record.connection(), record.timestamp());
    }

    synchronized void markLoaded() {
        if (!this.loaded) {
            this.loaded = true;
            this.listener.onLoaded(this);
        }
    }

    /** Runs {@code action} with no change applied while it runs (see the class comment). */
    public synchronized <T> T atomically(Function<SessionTable, T> action) {
        return action.apply(this);
    }

    /** Whether everything that was on the topics at start has been read. */
    public synchronized boolean loaded() {
        return this.loaded;
    }

    /** The position of the current content; null before the reader started. */
    public synchronized Position position() {
        return this.position;
    }

    /** Every session, ordered by table key. */
    public synchronized List<SessionState> sessions() {
        return new ArrayList<>(this.sessions.values());
    }

    /** Every gateway connection, ordered by id. */
    public synchronized List<ConnectionState> connections() {
        return new ArrayList<>(this.connections.values());
    }

    /** The changes after {@code token}; empty when the token cannot be answered exactly (see {@link ChangeLog}). */
    public synchronized Optional<List<TableChange>> changesSince(Position token) {
        if (this.position == null) {
            return Optional.empty();
        }
        return this.changeLog.since(token, this.position);
    }

    public synchronized int sessionCount() {
        return this.sessions.size();
    }

    /** Every gateway connection with the clock millis at which its current row arrived, ordered by id. */
    public synchronized List<ReceivedConnection> connectionsReceived() {
        List<ReceivedConnection> received = new ArrayList<>(this.connections.size());
        for (ConnectionState connection : this.connections.values()) {
            received.add(new ReceivedConnection(connection,
                    this.connectionsReceivedAt.getOrDefault(connection.connectionId(), 0L)));
        }
        return received;
    }

    /** Whether the content is being kept up to date, and which connections' statuses are overdue. */
    public synchronized PipelineView pipeline() {
        return this.pipeline;
    }

    /** Set by the pipeline watch, under this table's lock (see {@link #atomically}). */
    public synchronized void pipeline(PipelineView pipeline) {
        this.pipeline = pipeline;
    }

    /** A connection-state row and when it arrived here (clock millis). */
    public record ReceivedConnection(ConnectionState state, long receivedAt) {
    }
}
