package io.crewstream.projector.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * <li>A snapshot's rows are applied as its chunks arrive: each row that changed is upserted (a row is what the
 * gateway listed, a true observation, whether or not the rest of its snapshot ever comes). The chunk that completes
 * the snapshot also removes the connection's sessions it does not list; an empty snapshot therefore removes them
 * all. Other connections are untouched.</li>
 * <li>A row equal to the stored one but for {@link SessionRow#VOLATILE_FIELDS} is no change and publishes
 * nothing.</li>
 * <li>An upsert or removal delta touches its own key only; removing an unknown key publishes nothing.</li>
 * <li>A snapshot that is cut off, has a gap or whose rows do not add up to its {@code totalSessions} removes nothing
 * ({@link SnapshotAssembler}); it is logged and counted in {@link DiscardedSnapshots}.</li>
 * <li>A row whose session-state record would be too large to write ({@link OversizedOutputException}) is not applied
 * and goes to the dead letters; the rest of its snapshot is applied. Left in, it would fail the write of the whole
 * transaction again after every restart of the stream thread, and stop its partition for good.</li>
 * </ul>
 *
 * Every session added, removed or moved to another agent, and every snapshot applied, is also forwarded as a
 * {@link TableSignal} to the activity and agents projectors of the same task (what a snapshot chunk did to the
 * sessions' agents goes to the agents projector as one {@link TableSignal.SessionAgentsChanged}); and the offset of
 * every record, once applied, to the {@link SessionsVerifier}.
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
        this.snapshots = new SnapshotAssembler(context.getStateStore(ProjectorTopology.SNAPSHOT_PROGRESS_STORE),
                this.discarded);
        this.connections = new ConnectionTable(context.getStateStore(ProjectorTopology.CONNECTIONS_STORE),
                this.limit);
    }

    @Override
    public void process(Record<String, SessionEvent> record) {
        SessionEvent event = record.value();
        if (event instanceof SnapshotChunk chunk) {
            SnapshotAssembler.Step step = this.snapshots.add(chunk);
            if (!(step instanceof SnapshotAssembler.Dropped)) {
                applyChunk(chunk, step, record);
            }
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

    /**
     * Applies a chunk's rows as it arrives, and when it completes its snapshot, removes the connection's sessions the
     * snapshot did not list. Until then the connection row counts the sessions the chunk created, so that it says
     * what the table holds even if the rest of the snapshot never comes.
     */
    private void applyChunk(SnapshotChunk chunk, SnapshotAssembler.Step step, Record<String, ?> trigger) {
        String connectionId = chunk.connectionId();
        int upserted = 0;
        int created = 0;
        List<TableSignal.SessionAgentChanged> agentChanges = new ArrayList<>();
        for (SessionRow row : chunk.sessions()) {
            Optional<SessionTable.Change> change = upsertOrDeadLetter(connectionId, row, chunk.observedAt(), trigger);
            if (change.isPresent()) {
                publish(change.get(), trigger);
                agentChange(change.get()).ifPresent(agentChanges::add);
                upserted++;
                if (change.get().state().changeType() == ChangeType.CREATED) {
                    created++;
                }
            }
        }
        if (!(step instanceof SnapshotAssembler.Complete complete)) {
            signalAgents(connectionId, agentChanges, chunk.observedAt(), trigger);
            if (created > 0) {
                publish(this.connections.sessionCountChanged(connectionId, created, chunk.observedAt()), trigger);
            }
            return;
        }
        // A row refused as too large is listed, so it is not "absent": it is not removed here, and the count below
        // is what the table holds (its older version, or nothing).
        int removed = 0;
        List<SessionStateKey> keys = this.sessions.keysOf(connectionId);
        for (SessionStateKey key : keys) {
            if (!complete.listedKeys().contains(key.sessionKey())) {
                Optional<SessionRow> gone = this.sessions.remove(key);
                if (gone.isPresent()) {
                    publishRemoval(key, trigger);
                    forward(new TableSignal.SessionRemoved(key, gone.get().agentId(), chunk.observedAt()),
                            ProjectorTopology.PROJECT_ACTIVITY, trigger);
                    if (gone.get().agentId() != null) {
                        agentChanges.add(new TableSignal.SessionAgentChanged(key, gone.get().agentId(), null,
                                chunk.observedAt()));
                    }
                    removed++;
                }
            }
        }
        signalAgents(connectionId, agentChanges, chunk.observedAt(), trigger);
        int sessions = keys.size() - removed;
        log.debug("Applied snapshot {} ({}) of connection {}: {} sessions listed in {} chunks, {} in the table, "
                + "{} upserted by its last chunk, {} removed", chunk.snapshotId(), chunk.reason(), connectionId,
                complete.listedKeys().size(), complete.chunkCount(), sessions, upserted, removed);
        publish(this.connections.snapshotApplied(connectionId, chunk.observedAt(), sessions), trigger);
        signal(new TableSignal.SnapshotApplied(connectionId, chunk.observedAt(), complete.knowsUpTo()), trigger);
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
        forward(signal, ProjectorTopology.PROJECT_ACTIVITY, trigger);
        forward(signal, ProjectorTopology.PROJECT_AGENTS, trigger);
    }

    private void forward(TableSignal signal, String projector, Record<String, ?> trigger) {
        this.context.forward(new Record<>(signal.connectionId(), (Object) signal, trigger.timestamp()), projector);
    }

    /** The agent change a changed row makes: none when the row names the agent it named before (or none). */
    private static Optional<TableSignal.SessionAgentChanged> agentChange(SessionTable.Change change) {
        SessionState state = change.state();
        String agentId = state.session().agentId();
        return Objects.equals(change.previousAgentId(), agentId) ? Optional.empty()
                : Optional.of(new TableSignal.SessionAgentChanged(state.key(), change.previousAgentId(), agentId,
                        state.observedAt()));
    }

    /** The agents projector hears of a chunk's agent changes at once (the activity projector ignores them). */
    private void signalAgents(String connectionId, List<TableSignal.SessionAgentChanged> changes, long at,
            Record<String, ?> trigger) {
        if (!changes.isEmpty()) {
            forward(new TableSignal.SessionAgentsChanged(connectionId, changes, at), ProjectorTopology.PROJECT_AGENTS,
                    trigger);
        }
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
