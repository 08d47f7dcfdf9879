package io.crewstream.projector.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Folds run events into each session's activity ({@link SessionRuns}) and publishes its row on the session-activity
 * table whenever what it shows changed, telling the agents projector ({@link TableSignal.ActivityChanged}).
 *
 * <ul>
 * <li>A session removed from the session table ({@link TableSignal.SessionRemoved}) loses its activity: a
 * tombstone.</li>
 * <li>A complete snapshot ({@link TableSignal.SnapshotApplied}) ends, as {@code interrupted}, every run in progress
 * of a session whose row does not say {@code hasActiveRun: true} (absent rows included), unless the ingestor saw the
 * run first after it asked the gateway for the list ({@link TableSignal.SnapshotApplied#knowsUpTo()}; a run that
 * started while the list was fetched may be missing from it): the gateway lost or never reported its end.</li>
 * <li>The same snapshot removes (a tombstone) the activity of every session of the connection that has no row in the
 * session table, unless it is still busy with a run first seen after that instant: activity of a session the table
 * no longer has (a late {@code chat final} after the session was deleted) would otherwise stay on the compacted
 * topic for good, and a session re-created under its key would inherit its last run and error.</li>
 * <li>A connection whose link went down ({@link TableSignal.ConnectionLost}) has every run in progress of its
 * sessions ended the same way.</li>
 * <li>A run ended as {@code interrupted} that turns out to be still going (its events arrive again) is reopened,
 * and its real end recorded ({@link SessionRuns}).</li>
 * <li>An error is shown for {@code errorHold} from when the ingestor received it (or from when it is processed, if
 * that is earlier: a backlog replayed after downtime does not show old errors anew), then the session is idle,
 * keeping {@code lastError}. A wall-clock punctuator ends due errors, reading only the due ones (an index ordered by
 * expiry) and at most {@value #MAX_EXPIRIES_PER_PUNCTUATION} per run.</li>
 * <li>A row too large to write is not stored and its input is dead-lettered (logged instead when a timer caused
 * it).</li>
 * </ul>
 *
 * Runs on a stream thread; one instance per task. Times: event times are the gateway's ({@code at}) and the
 * ingestor's ({@code observedAt}); timer times are the stream thread's wall clock
 * ({@link ProcessorContext#currentSystemTimeMs()}), never the system clock directly.
 */
final class ActivityProjector implements Processor<String, Object, String, Object> {

    /** The most errors one punctuation ends; the rest wait for the next one. */
    static final int MAX_EXPIRIES_PER_PUNCTUATION = 1_000;

    /** How often the punctuator looks for due errors: an error is shown at most this much longer than its hold. */
    static final Duration PUNCTUATION_INTERVAL = Duration.ofSeconds(1);

    /** The gateway's session row field that says a run is in progress. */
    private static final String HAS_ACTIVE_RUN = "hasActiveRun";

    private final String consumerName;
    private final RecordSizeLimit limit;
    private final Duration errorHold;

    private ProcessorContext<String, Object> context;
    private ActivityTable activity;
    private SessionTable sessions;
    private DeadLetterWriter deadLetters;
    private OutputEvents events;

    /**
     * @param errorHold how long an error is shown before the session is idle again (at least a second,
     *     {@code ProjectorProperties.Activity})
     */
    ActivityProjector(String consumerName, RecordSizeLimit limit, Duration errorHold) {
        this.consumerName = consumerName;
        this.limit = limit;
        this.errorHold = errorHold;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.activity = new ActivityTable(context.getStateStore(ProjectorTopology.ACTIVITY_STORE),
                context.getStateStore(ProjectorTopology.ACTIVITY_ERRORS_STORE), this.limit);
        this.sessions = new SessionTable(context.getStateStore(ProjectorTopology.SESSIONS_STORE), this.limit);
        this.deadLetters = new DeadLetterWriter(context, ProjectorTopology.PROJECT_ACTIVITY, this.consumerName,
                ProjectorTopology.DEAD_LETTER_SINK);
        this.events = new OutputEvents(context);
        context.schedule(PUNCTUATION_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::expireErrors);
    }

    @Override
    public void process(Record<String, Object> record) {
        Object value = record.value();
        if (value instanceof RunEvent event) {
            SessionStateKey key = new SessionStateKey(event.connectionId(), event.sessionKey());
            ActivityProgress current = this.activity.get(key);
            SessionRuns runs = current == null ? SessionRuns.start(event.at()) : current.runs();
            long shownFrom = Math.min(event.observedAt(), this.context.currentSystemTimeMs());
            SessionRuns next = runs.apply(event, shownFrom + this.errorHold.toMillis());
            if (next != runs || current == null) {
                store(key, current, next, event.agentId(), event.observedAt(), record);
            }
        }
        else if (value instanceof TableSignal.SessionRemoved removed) {
            if (this.activity.remove(removed.key())) {
                publishRemoval(removed.key(), removed.at(), record);
            }
        }
        else if (value instanceof TableSignal.SnapshotApplied snapshot) {
            snapshotApplied(snapshot, record);
        }
        else if (value instanceof TableSignal.ConnectionLost lost) {
            for (KeyValue<SessionStateKey, ActivityProgress> session : this.activity.of(lost.connectionId())) {
                SessionRuns runs = session.value.runs();
                SessionRuns next = runs.interrupt(lost.at(), lost.at());
                if (next != runs) {
                    store(session.key, session.value, next, null, lost.at(), record);
                }
            }
        }
    }

    private void snapshotApplied(TableSignal.SnapshotApplied snapshot, Record<String, ?> trigger) {
        long at = snapshot.observedAt();
        for (KeyValue<SessionStateKey, ActivityProgress> session : this.activity.of(snapshot.connectionId())) {
            Optional<SessionState> row = this.sessions.get(session.key);
            if (row.isPresent() && row.get().session().fields().path(HAS_ACTIVE_RUN).asBoolean(false)) {
                continue;
            }
            SessionRuns runs = session.value.runs();
            SessionRuns next = runs.interrupt(at, snapshot.knowsUpTo());
            if (row.isEmpty() && !next.state().busy()) {
                // Activity of a session the table does not have: nothing will ever remove it otherwise.
                if (this.activity.remove(session.key)) {
                    publishRemoval(session.key, at, trigger);
                }
            }
            else if (next != runs) {
                store(session.key, session.value, next, null, at, trigger);
            }
        }
    }

    private void expireErrors(long now) {
        for (KeyValue<String, SessionStateKey> due : this.activity.errorsDue(now, MAX_EXPIRIES_PER_PUNCTUATION)) {
            ActivityProgress current = this.activity.get(due.value);
            SessionRuns next = current == null ? null : current.runs().expireError(now);
            if (next == null || next == current.runs()) {
                // No longer matches the session's state (it cannot, unless part of a store was lost): drop it, so
                // that it does not hold back the entries after it.
                this.activity.forgetError(due.key);
                continue;
            }
            store(due.value, current, next, null, now, new Record<>(due.value.connectionId(), null, now));
        }
    }

    private void store(SessionStateKey key, ActivityProgress current, SessionRuns next, String agentId,
            long updatedAt, Record<String, ?> trigger) {
        Optional<SessionActivity> row;
        try {
            row = this.activity.put(key, current, next, agentId, updatedAt);
        }
        catch (OversizedOutputException ex) {
            this.deadLetters.sendOrLog(trigger, ex, trigger.value() instanceof RunEvent event
                    ? ContractSerdes.runEvents().serialize(null, event) : null);
            return;
        }
        row.ifPresent(changed -> {
            this.context.forward(new Record<>(key.format(), (Object) changed, trigger.timestamp(),
                    this.events.next('a', CloudEventType.SESSION_ACTIVITY_UPDATED, key.connectionId(),
                            Instant.ofEpochMilli(changed.updatedAt()), key.sessionKey())),
                    ProjectorTopology.SESSION_ACTIVITY_SINK);
            signalAgents(key, updatedAt, trigger);
        });
    }

    private void publishRemoval(SessionStateKey key, long at, Record<String, ?> trigger) {
        this.context.forward(new Record<>(key.format(), null, trigger.timestamp(),
                this.events.next('a', CloudEventType.SESSION_ACTIVITY_REMOVED, key.connectionId(),
                        Instant.ofEpochMilli(at), key.sessionKey())), ProjectorTopology.SESSION_ACTIVITY_SINK);
    }

    private void signalAgents(SessionStateKey key, long at, Record<String, ?> trigger) {
        this.context.forward(new Record<>(key.connectionId(), (Object) new TableSignal.ActivityChanged(key, at),
                trigger.timestamp()), ProjectorTopology.PROJECT_AGENTS);
    }
}
