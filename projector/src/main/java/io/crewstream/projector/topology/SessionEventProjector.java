package io.crewstream.projector.topology;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies snapshots and deltas to the session table and publishes every change: a session-state row for a created
 * or changed session, a tombstone for a removed one, and the connection-state row when the connection's session
 * count or last snapshot time moved. Records of one connection arrive in their partition's order and are applied in
 * that order.
 *
 * <ul>
 * <li>A complete snapshot upserts each row that changed and removes the connection's sessions it does not list;
 * an empty snapshot therefore removes them all. Other connections are untouched.</li>
 * <li>A row equal to the stored one but for {@link SessionRow#VOLATILE_FIELDS} is no change and publishes
 * nothing.</li>
 * <li>An upsert or removal delta touches its own key only; removing an unknown key publishes nothing.</li>
 * <li>A snapshot whose rows do not add up to its {@code totalSessions} is not applied; it is logged and counted in
 * {@link DiscardedSnapshots}.</li>
 * <li>A row whose session-state record would be too large to write ({@link OversizedOutputException}) is not applied
 * and goes to the dead letters; the rest of its snapshot is applied. Left in, it would fail the write of the whole
 * transaction again after every restart of the stream thread, and stop its partition for good.</li>
 * </ul>
 *
 * Every session added, removed or moved to another agent, and every snapshot applied, is also forwarded as a
 * {@link TableSignal} to the activity and agents projectors of the same task; and the offset of every record, once
 * applied, to the {@link SessionsVerifier}.
 *
 * Runs on a stream thread; one instance per task.
 */
final class SessionEventProjector implements Processor<String, SessionEvent, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(SessionEventProjector.class);

    private final DiscardedSnapshots discarded;
    private final String consumerName;
    private final RecordSizeLimit limit;

    private ProcessorContext<String, Object> context;
    private DeadLetterWriter deadLetters;
    private OutputEvents events;
    private SessionTable sessions;
    private SnapshotAssembler snapshots;
    private ConnectionTable connections;

    /**
     * @param consumerName how dead letters name this application
     * @param limit the largest record written ({@link SessionTable}, {@link ConnectionTable})
     */
    SessionEventProjector(DiscardedSnapshots discarded, String consumerName, RecordSizeLimit limit) {
        this.discarded = discarded;
        this.consumerName = consumerName;
        this.limit = limit;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.sessions = new SessionTable(context.getStateStore(ProjectorTopology.SESSIONS_STORE), this.limit);
        this.deadLetters = new DeadLetterWriter(context, ProjectorTopology.PROJECT_SESSIONS, this.consumerName,
                ProjectorTopology.DEAD_LETTER_SINK);
        this.events = new OutputEvents(context);
        this.snapshots = new SnapshotAssembler(context.getStateStore(ProjectorTopology.SNAPSHOT_CHUNKS_STORE),
                this.discarded);
        this.connections = new ConnectionTable(context.getStateStore(ProjectorTopology.CONNECTIONS_STORE),
                this.limit);
    }

    @Override
    public void process(Record<String, SessionEvent> record) {
        SessionEvent event = record.value();
        if (event instanceof SnapshotChunk chunk) {
            this.snapshots.add(chunk).ifPresent(complete -> applySnapshot(complete, record));
        }
        else if (event instanceof SessionUpserted upserted) {
            applyUpsert(upserted, record);
        }
        else if (event instanceof SessionRemoved removed) {
            applyRemoval(removed, record);
        }
        // After the record is applied, whatever it changed: a marker at this offset describes the table now.
        this.context.recordMetadata().ifPresent(source -> this.context.forward(new Record<>(event.connectionId(),
                (Object) new SessionsVerifier.SessionEventsApplied(event.connectionId(), source.offset()),
                record.timestamp()), ProjectorTopology.VERIFY_SESSIONS));
    }

    private void applySnapshot(List<SnapshotChunk> chunks, Record<String, ?> trigger) {
        SnapshotChunk last = chunks.get(chunks.size() - 1);
        String connectionId = last.connectionId();
        Map<String, SessionRow> rows = new LinkedHashMap<>();
        int listed = 0;
        for (SnapshotChunk chunk : chunks) {
            listed += chunk.sessions().size();
            chunk.sessions().forEach(row -> rows.put(row.key(), row));
        }
        if (listed != last.totalSessions()) {
            // Rows went missing between the gateway and here; removing "absent" sessions would remove real ones.
            log.warn("Not applying snapshot {} of connection {}: its {} chunks list {} sessions but totalSessions "
                    + "says {}", last.snapshotId(), connectionId, chunks.size(), listed, last.totalSessions());
            this.discarded.record(DiscardedSnapshots.Reason.ROWS_DO_NOT_ADD_UP);
            return;
        }
        int upserted = 0;
        int removed = 0;
        for (SessionRow row : rows.values()) {
            Optional<SessionTable.Change> change = upsertOrDeadLetter(connectionId, row, last.observedAt(), trigger);
            if (change.isPresent()) {
                publish(change.get(), trigger);
                signalChange(change.get(), trigger);
                upserted++;
            }
        }
        // A row refused as too large is listed, so it is not "absent": it is not removed here, and the count below
        // is what the table holds (its older version, or nothing).
        List<SessionStateKey> keys = this.sessions.keysOf(connectionId);
        for (SessionStateKey key : keys) {
            if (!rows.containsKey(key.sessionKey())) {
                Optional<SessionRow> gone = this.sessions.remove(key);
                if (gone.isPresent()) {
                    publishRemoval(key, trigger);
                    signal(new TableSignal.SessionRemoved(key, gone.get().agentId(), last.observedAt()), trigger);
                    removed++;
                }
            }
        }
        int sessions = keys.size() - removed;
        log.debug("Applied snapshot {} ({}) of connection {}: {} sessions listed, {} in the table, {} upserted, "
                + "{} removed", last.snapshotId(), last.reason(), connectionId, rows.size(), sessions, upserted,
                removed);
        publish(this.connections.snapshotApplied(connectionId, last.observedAt(), sessions), trigger);
        long knowsUpTo = chunks.stream().mapToLong(SnapshotChunk::knowsUpTo).min().orElseThrow();
        signal(new TableSignal.SnapshotApplied(connectionId, last.observedAt(), knowsUpTo), trigger);
    }

    private void applyUpsert(SessionUpserted upserted, Record<String, ?> trigger) {
        Optional<SessionTable.Change> change = upsertOrDeadLetter(upserted.connectionId(), upserted.session(),
                upserted.observedAt(), trigger);
        change.ifPresent(changed -> {
            publish(changed, trigger);
            signalChange(changed, trigger);
        });
        if (change.map(changed -> changed.state().changeType() == ChangeType.CREATED).orElse(false)) {
            publish(this.connections.sessionCountChanged(upserted.connectionId(), 1, upserted.observedAt()),
                    trigger);
        }
    }

    private Optional<SessionTable.Change> upsertOrDeadLetter(String connectionId, SessionRow row, long observedAt,
            Record<String, ?> trigger) {
        try {
            return this.sessions.upsert(connectionId, row, observedAt);
        }
        catch (OversizedOutputException ex) {
            this.deadLetters.send(trigger, ex.getClass().getName(), ex.getMessage(),
                    ContractSerdes.of(SessionRow.class).serialize(null, row));
            return Optional.empty();
        }
    }

    private void applyRemoval(SessionRemoved removed, Record<String, ?> trigger) {
        SessionStateKey key = new SessionStateKey(removed.connectionId(), removed.sessionKey());
        Optional<SessionRow> gone = this.sessions.remove(key);
        if (gone.isPresent()) {
            publishRemoval(key, trigger);
            publish(this.connections.sessionCountChanged(removed.connectionId(), -1, removed.observedAt()), trigger);
            signal(new TableSignal.SessionRemoved(key, gone.get().agentId(), removed.observedAt()), trigger);
        }
    }

    /** Tells the activity and agents projectors about a session that is new or now names another agent. */
    private void signalChange(SessionTable.Change change, Record<String, ?> trigger) {
        SessionState state = change.state();
        String agentId = state.session().agentId();
        if (state.changeType() == ChangeType.CREATED) {
            signal(new TableSignal.SessionAdded(state.key(), agentId, state.observedAt()), trigger);
        }
        else if (!Objects.equals(change.previousAgentId(), agentId)) {
            signal(new TableSignal.SessionAgentChanged(state.key(), change.previousAgentId(), agentId,
                    state.observedAt()), trigger);
        }
    }

    /** Both projectors that depend on the session table hear of it: activity first, then the agents. */
    private void signal(TableSignal signal, Record<String, ?> trigger) {
        Record<String, Object> record = new Record<>(signal.connectionId(), signal, trigger.timestamp());
        this.context.forward(record, ProjectorTopology.PROJECT_ACTIVITY);
        this.context.forward(record, ProjectorTopology.PROJECT_AGENTS);
    }

    // New records, not the trigger's: the input's headers are not the outputs', and would count against their size.
    // Each carries its own CloudEvents headers instead.

    /** The value is the bytes the table stored, written by the sink as they are: serialized once, not again. */
    private void publish(SessionTable.Change change, Record<String, ?> trigger) {
        SessionState state = change.state();
        CloudEventType type = state.changeType() == ChangeType.CREATED ? CloudEventType.SESSION_STATE_CREATED
                : CloudEventType.SESSION_STATE_UPDATED;
        this.context.forward(new Record<>(state.key().format(), (Object) change.value(), trigger.timestamp(),
                this.events.next('s', type, state.connectionId(), Instant.ofEpochMilli(state.observedAt()),
                        state.sessionKey())), ProjectorTopology.SESSION_STATE_SINK);
    }

    private void publishRemoval(SessionStateKey key, Record<String, ?> trigger) {
        this.context.forward(new Record<>(key.format(), (Object) null, trigger.timestamp(),
                this.events.next('s', CloudEventType.SESSION_STATE_REMOVED, key.connectionId(), timeOf(trigger),
                        key.sessionKey())), ProjectorTopology.SESSION_STATE_SINK);
    }

    private void publish(Optional<ConnectionState> state, Record<String, ?> trigger) {
        state.ifPresent(row -> this.context.forward(new Record<>(row.connectionId(), (Object) row,
                trigger.timestamp(), this.events.next('c', CloudEventType.CONNECTION_STATE, row.connectionId(),
                        Instant.ofEpochMilli(row.observedAt()), null)), ProjectorTopology.CONNECTION_STATE_SINK));
    }

    /** When the event that caused an output happened: its {@code observedAt}. */
    private static Instant timeOf(Record<String, ?> trigger) {
        return trigger.value() instanceof SessionEvent event ? Instant.ofEpochMilli(event.observedAt())
                : Instant.ofEpochMilli(trigger.timestamp());
    }
}
