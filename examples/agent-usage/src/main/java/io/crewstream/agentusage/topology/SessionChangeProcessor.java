package io.crewstream.agentusage.topology;

import java.util.Objects;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.records.SessionState;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The first stage, on the session-state table's partitions: applies {@link SessionRules} to each row and tombstone
 * against the {@link AgentUsageTopology#SESSIONS_STORE} store and passes on what the change adds to its agent's
 * minute, re-keyed {@code <connectionId>/<agentId>} and with the change's timestamp (its event time). A change that
 * adds nothing (a repeated row, a status that finishes nothing) is not passed on.
 *
 * <p>The table is keyed by session, so every change of one session comes here in its order, on one task. A key that
 * is not {@code <connectionId>/<sessionKey>} throws {@link io.crewstream.schemas.InvalidFieldException}, which the
 * processing exception handler logs and skips.
 *
 * <p>Runs on a stream thread; one instance per task.
 */
final class SessionChangeProcessor implements Processor<String, SessionState, String, SessionUsage> {

    private ProcessorContext<String, SessionUsage> context;
    private KeyValueStore<String, SessionMemory> sessions;

    @Override
    public void init(ProcessorContext<String, SessionUsage> context) {
        this.context = context;
        this.sessions = context.getStateStore(AgentUsageTopology.SESSIONS_STORE);
    }

    @Override
    public void process(Record<String, SessionState> record) {
        SessionStateKey key = SessionStateKey.parse(record.key());
        SessionMemory before = this.sessions.get(record.key());
        SessionRules.Step step = record.value() == null ? SessionRules.removal(key.connectionId(), before)
                : SessionRules.row(key.connectionId(), before, record.value());
        if (step.after() == null) {
            if (before != null) {
                this.sessions.delete(record.key());
            }
        }
        else if (!Objects.equals(step.after(), before)) {
            this.sessions.put(record.key(), step.after());
        }
        SessionUsage usage = step.usage();
        if (usage != null) {
            // A new record: the table's headers (its CloudEvents attributes) are not this change's.
            this.context.forward(new Record<>(AgentUsageMinute.key(usage.connectionId(), usage.agentId()), usage,
                    record.timestamp()));
        }
    }
}
