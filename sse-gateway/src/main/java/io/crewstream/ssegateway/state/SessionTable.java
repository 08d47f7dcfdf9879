package io.crewstream.ssegateway.state;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.sse.SseActivity;
import io.crewstream.schemas.sse.SseAgent;

/**
 * The latest state of every session (with its activity), every gateway connection and every agent, as read from the
 * projector's compacted topics, with the position it was read up to and a bounded log of recent changes.
 *
 * <p>Activity joins its session: an activity row that changes what a browser sees of a known session is a
 * {@code SESSION_UPDATED} change carrying the whole session; one for a session the table does not have yet is kept and
 * goes out with the session's row when that arrives; a session's tombstone drops its activity. A row that restates
 * what a browser already has (same state, tool, error, last run; only its revision or time moved) is kept but is no
 * change, for activity and for agents alike. Agent changes are told to the listener but not kept for resume: a
 * resuming client gets the whole agent list instead (see {@code ClientRegistry}), so they need not crowd the log.
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

    /** By session table key; may hold the activity of a session whose row has not arrived yet. */
    private final Map<String, SessionActivity> activities = new HashMap<>();

    /** By agent key {@code <connectionId>/<agentId>}. */
    private final Map<String, AgentState> agents = new TreeMap<>();

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
        this.activities.clear();
        this.agents.clear();
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
        TableChange change = switch (record.topic()) {
            case SESSIONS -> applySession(record);
            case CONNECTIONS -> applyConnection(record);
            case ACTIVITY -> applyActivity(record);
            case AGENTS -> applyAgent(record);
        };
        if (change == null) {
            return;
        }
        if (!change.kind().ofAgent()) {
            this.changeLog.add(change);
        }
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
        if (record.session() == null) {
            this.activities.remove(key);
        }
        TableChange.Kind kind = (record.session() == null) ? TableChange.Kind.SESSION_REMOVED
                : (previous == null) ? TableChange.Kind.SESSION_CREATED : TableChange.Kind.SESSION_UPDATED;
        return TableChange.ofSession(kind, record, this.position, record.session(), previous,
                this.activities.get(key));
    }

    private TableChange applyActivity(TableRecord record) {
        String key = record.sessionKey().format();
        SessionActivity previous = (record.activity() != null) ? this.activities.put(key, record.activity())
                : this.activities.remove(key);
        SessionState session = this.sessions.get(key);
        if (session == null || sameForBrowsers(previous, record.activity())) {
            // Kept for the session's row to come, or a restatement: nothing a browser would see changed.
            return null;
        }
        return TableChange.ofSession(TableChange.Kind.SESSION_UPDATED, record, this.position, session, session,
                record.activity());
    }

    private static boolean sameForBrowsers(SessionActivity previous, SessionActivity next) {
        if (previous == null || next == null) {
            return previous == next;
        }
        return SseActivity.of(previous).equals(SseActivity.of(next));
    }

    private TableChange applyAgent(TableRecord record) {
        String key = AgentState.key(record.connectionId(), record.agentId());
        AgentState previous = (record.agent() != null) ? this.agents.put(key, record.agent())
                : this.agents.remove(key);
        if (previous == null && record.agent() == null) {
            return null;
        }
        if (record.agent() == null) {
            return TableChange.ofAgent(TableChange.Kind.AGENT_REMOVED, record, this.position, previous,
                    new ArrayList<>(this.agents.values()));
        }
        if (previous != null && sameForBrowsers(previous, record.agent())) {
            return null;
        }
        return TableChange.ofAgent(TableChange.Kind.AGENT_UPDATED, record, this.position, previous, List.of());
    }

    /** Whether the two rows differ only in what a browser is not shown as a change: revision and time. */
    private static boolean sameForBrowsers(AgentState previous, AgentState next) {
        AgentState restated = new AgentState(next.schemaVersion(), next.connectionId(), next.agentId(), next.agent(),
                next.listed(), next.isDefault(), next.mainSessionKey(), next.status(), next.sessions(),
                next.currentTool(), next.lastError(), previous.revision(), previous.updatedAt());
        return SseAgent.of(previous).equals(SseAgent.of(restated));
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
        return TableChange.ofGateway(kind, record, this.position);
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

    /** The activity of a session; null while none is known. */
    public synchronized SessionActivity activity(SessionStateKey session) {
        return this.activities.get(session.format());
    }

    /** Every agent, ordered by {@code <connectionId>/<agentId>}. */
    public synchronized List<AgentState> agents() {
        return new ArrayList<>(this.agents.values());
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
