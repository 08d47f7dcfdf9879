package io.crewstream.projector.topology;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the agents table: one row per agent of each connection ({@link AgentAggregate}), recomputed when its
 * gateway's agent list arrives, when one of its sessions enters, leaves or changes agent in the session table (for
 * a snapshot, whose chunks move sessions in bulk ({@link TableSignal.SessionAgentsChanged}, which only updates the
 * index), every agent of the connection once when it is complete), when the activity of one of its sessions changes,
 * and when a snapshot shows the index of its sessions disagreeing with the session table (a projector deployed onto a
 * session table filled before the index was); published only when it changed, a tombstone when the agent is
 * neither listed nor has sessions. The work per change is the agent's own sessions (an index by agent), never the
 * whole store. A row too large to write is not stored, and its input is dead-lettered (logged instead when a timer
 * caused it).
 *
 * <p>Runs on a stream thread; one instance per task.
 */
final class AgentProjector implements Processor<String, Object, String, Object> {

    private final String consumerName;
    private final RecordSizeLimit limit;

    private ProcessorContext<String, Object> context;
    private AgentTable agents;
    private SessionTable sessions;
    private KeyValueStore<String, ActivityProgress> activity;
    private DeadLetterWriter deadLetters;
    private OutputEvents events;

    AgentProjector(String consumerName, RecordSizeLimit limit) {
        this.consumerName = consumerName;
        this.limit = limit;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.agents = new AgentTable(context.getStateStore(ProjectorTopology.AGENT_LISTS_STORE),
                context.getStateStore(ProjectorTopology.AGENTS_STORE),
                context.getStateStore(ProjectorTopology.AGENT_SESSIONS_STORE), this.limit);
        this.sessions = new SessionTable(context.getStateStore(ProjectorTopology.SESSIONS_STORE), this.limit);
        this.activity = context.getStateStore(ProjectorTopology.ACTIVITY_STORE);
        this.deadLetters = new DeadLetterWriter(context, ProjectorTopology.PROJECT_AGENTS, this.consumerName,
                ProjectorTopology.DEAD_LETTER_SINK);
        this.events = new OutputEvents(context);
    }

    @Override
    public void process(Record<String, Object> record) {
        Object value = record.value();
        if (value instanceof AgentList list) {
            for (String agentId : this.agents.replaceList(list)) {
                recompute(list.connectionId(), agentId, list.observedAt(), record);
            }
        }
        else if (value instanceof TableSignal.SessionAdded added) {
            join(added.key(), added.agentId(), added.at(), record);
        }
        else if (value instanceof TableSignal.SessionRemoved removed) {
            leave(removed.key(), removed.agentId(), removed.at(), record);
        }
        else if (value instanceof TableSignal.SessionAgentChanged moved) {
            leave(moved.key(), moved.fromAgentId(), moved.at(), record);
            join(moved.key(), moved.toAgentId(), moved.at(), record);
        }
        else if (value instanceof TableSignal.SessionAgentsChanged changed) {
            for (TableSignal.SessionAgentChanged change : changed.changes()) {
                String sessionKey = change.key().sessionKey();
                if (change.fromAgentId() != null) {
                    this.agents.removeSession(changed.connectionId(), change.fromAgentId(), sessionKey);
                }
                if (change.toAgentId() != null) {
                    this.agents.addSession(changed.connectionId(), change.toAgentId(), sessionKey);
                }
            }
            // Recomputed once the snapshot is complete (below): recomputing each agent per chunk went over all of an
            // agent's sessions for every chunk, most of the projector's time for 10,000 sessions of one agent.
        }
        else if (value instanceof TableSignal.SnapshotApplied snapshot) {
            // The index follows the session table change by change; this makes it agree where it does not (state
            // from before the index existed), at the cost of one pass over the connection's sessions, like the
            // snapshot itself. Then every agent of the connection once, for what the snapshot's chunks moved.
            Map<String, String> agentOfSession = this.sessions.agentsOf(snapshot.connectionId());
            Set<String> agentIds = new LinkedHashSet<>(this.agents.syncSessions(snapshot.connectionId(),
                    agentOfSession));
            agentIds.addAll(agentOfSession.values());
            // Those the snapshot took every session from, to be removed (or shown without sessions).
            agentIds.addAll(this.agents.publishedAgentIds(snapshot.connectionId()));
            AgentList list = this.agents.list(snapshot.connectionId());
            if (list != null) {
                list.agents().forEach(agent -> agentIds.add(agent.id()));
            }
            for (String agentId : agentIds) {
                recompute(snapshot.connectionId(), agentId, snapshot.observedAt(), record);
            }
        }
        else if (value instanceof TableSignal.ActivityChanged changed) {
            Optional<SessionState> session = this.sessions.get(changed.key());
            String agentId = session.map(state -> state.session().agentId()).orElse(null);
            if (agentId != null) {
                recompute(changed.connectionId(), agentId, changed.at(), record);
            }
        }
    }

    private void join(SessionStateKey key, String agentId, long at, Record<String, ?> trigger) {
        if (agentId != null) {
            this.agents.addSession(key.connectionId(), agentId, key.sessionKey());
            recompute(key.connectionId(), agentId, at, trigger);
        }
    }

    private void leave(SessionStateKey key, String agentId, long at, Record<String, ?> trigger) {
        if (agentId != null) {
            this.agents.removeSession(key.connectionId(), agentId, key.sessionKey());
            recompute(key.connectionId(), agentId, at, trigger);
        }
    }

    private void recompute(String connectionId, String agentId, long at, Record<String, ?> trigger) {
        List<AgentAggregate.AgentSession> sessions = this.agents.sessionsOf(connectionId, agentId).stream()
                .map(sessionKey -> new AgentAggregate.AgentSession(sessionKey,
                        activityOf(new SessionStateKey(connectionId, sessionKey))))
                .toList();
        AgentState row = AgentAggregate.of(connectionId, agentId, this.agents.list(connectionId), sessions, 1, at);
        if (row == null) {
            if (this.agents.remove(connectionId, agentId)) {
                this.context.forward(new Record<>(AgentState.key(connectionId, agentId), null, trigger.timestamp(),
                        this.events.next('g', CloudEventType.AGENT_STATE_REMOVED, connectionId,
                                Instant.ofEpochMilli(at), agentId)), ProjectorTopology.AGENT_STATE_SINK);
            }
            return;
        }
        try {
            this.agents.put(row).ifPresent(changed -> this.context.forward(new Record<>(changed.key(),
                    (Object) changed, trigger.timestamp(), this.events.next('g', CloudEventType.AGENT_STATE_UPDATED,
                            connectionId, Instant.ofEpochMilli(changed.updatedAt()), agentId)),
                    ProjectorTopology.AGENT_STATE_SINK));
        }
        catch (OversizedOutputException ex) {
            this.deadLetters.sendOrLog(trigger, ex, trigger.value() instanceof AgentList list
                    ? ContractSerdes.agentLists().serialize(null, list) : null);
        }
    }

    private SessionActivity activityOf(SessionStateKey key) {
        ActivityProgress progress = this.activity.get(key.format());
        return progress == null ? null : progress.row();
    }
}
