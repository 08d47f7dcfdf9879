package io.crewstream.projector.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The agents of one task, over three stores: each connection's latest agent list
 * ({@link ProjectorTopology#AGENT_LISTS_STORE}), the rows last published ({@link ProjectorTopology#AGENTS_STORE},
 * keyed by {@link AgentState#key(String, String)}) and which sessions of the session table each agent has
 * ({@link ProjectorTopology#AGENT_SESSIONS_STORE}), so that an agent's sessions are one prefix scan away, however
 * many sessions its connection has. Decides whether a row changed and its revision. Used from a stream thread only.
 */
final class AgentTable {

    private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

    private final KeyValueStore<String, AgentList> lists;

    private final KeyValueStore<String, AgentState> agents;

    private final KeyValueStore<String, String> members;

    private final RecordSizeLimit limit;

    AgentTable(KeyValueStore<String, AgentList> lists, KeyValueStore<String, AgentState> agents,
            KeyValueStore<String, String> members, RecordSizeLimit limit) {
        this.lists = lists;
        this.agents = agents;
        this.members = members;
        this.limit = limit;
    }

    /** The connection's latest agent list, or null. */
    AgentList list(String connectionId) {
        return this.lists.get(connectionId);
    }

    /** @return the ids of the agents the previous list and this one name */
    Set<String> replaceList(AgentList list) {
        Set<String> named = new LinkedHashSet<>();
        AgentList previous = this.lists.get(list.connectionId());
        if (previous != null) {
            previous.agents().forEach(agent -> named.add(agent.id()));
        }
        list.agents().forEach(agent -> named.add(agent.id()));
        this.lists.put(list.connectionId(), list);
        return named;
    }

    void addSession(String connectionId, String agentId, String sessionKey) {
        this.members.put(memberPrefix(connectionId, agentId) + sessionKey, sessionKey);
    }

    void removeSession(String connectionId, String agentId, String sessionKey) {
        this.members.delete(memberPrefix(connectionId, agentId) + sessionKey);
    }

    /**
     * Makes the connection's sessions index say what the session table says: adds the sessions it misses (a
     * projector deployed onto a session table filled before the index existed), drops those it has wrongly.
     * @param agentOfSession each session of the connection that names an agent, by session key
     * @return the agents whose sessions changed
     */
    Set<String> syncSessions(String connectionId, Map<String, String> agentOfSession) {
        Map<String, String> missing = new HashMap<>(agentOfSession);
        Set<String> changed = new LinkedHashSet<>();
        String connectionPrefix = AgentUsageMinute.keyPrefix(connectionId);
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, String> all = this.members.prefixScan(connectionPrefix, KEY_SERIALIZER)) {
            all.forEachRemaining(member -> {
                String agentId = agentOfMember(member.key, connectionPrefix.length());
                if (agentId.equals(missing.get(member.value))) {
                    missing.remove(member.value);
                }
                else {
                    stale.add(member.key);
                    changed.add(agentId);
                }
            });
        }
        stale.forEach(this.members::delete);
        missing.forEach((sessionKey, agentId) -> {
            addSession(connectionId, agentId, sessionKey);
            changed.add(agentId);
        });
        return changed;
    }

    /** The agent id in a sessions index key: {@code <connection prefix><length>:<agent id>/<session key>}. */
    private static String agentOfMember(String memberKey, int from) {
        int colon = memberKey.indexOf(':', from);
        int length = Integer.parseInt(memberKey.substring(from, colon));
        return memberKey.substring(colon + 1, colon + 1 + length);
    }

    /** The keys of the agent's sessions in the session table. */
    List<String> sessionsOf(String connectionId, String agentId) {
        List<String> sessions = new ArrayList<>();
        try (KeyValueIterator<String, String> all = this.members.prefixScan(memberPrefix(connectionId, agentId),
                KEY_SERIALIZER)) {
            all.forEachRemaining(member -> sessions.add(member.value));
        }
        return sessions;
    }

    /** The agents of the connection that have a row (as last published). */
    Set<String> publishedAgentIds(String connectionId) {
        Set<String> ids = new LinkedHashSet<>();
        try (KeyValueIterator<String, AgentState> all = this.agents.prefixScan(
                AgentUsageMinute.keyPrefix(connectionId), KEY_SERIALIZER)) {
            all.forEachRemaining(row -> ids.add(row.value.agentId()));
        }
        return ids;
    }

    /** The agent's row as last published, or null. */
    AgentState current(String connectionId, String agentId) {
        return this.agents.get(AgentState.key(connectionId, agentId));
    }

    /**
     * Stores the agent's row if it says something new.
     * @param next the row, with any revision: it gets the next one of its key
     * @return the row to publish, or empty when nothing changed
     * @throws OversizedOutputException when the row's record would be too large; nothing is stored then
     */
    Optional<AgentState> put(AgentState next) {
        AgentState current = this.agents.get(next.key());
        if (current != null && AgentAggregate.sameContent(current, next)) {
            return Optional.empty();
        }
        AgentState row = new AgentState(next.schemaVersion(), next.connectionId(), next.agentId(), next.agent(),
                next.listed(), next.isDefault(), next.mainSessionKey(), next.status(), next.sessions(),
                next.currentTool(), next.lastError(), current == null ? 1 : current.revision() + 1,
                next.updatedAt());
        this.limit.requireFits(row.key(), ContractSerdes.agentState().serialize(null, row),
                () -> "Agent '" + DeadLetter.keyFor(row.agentId()) + "' of connection " + row.connectionId());
        this.agents.put(row.key(), row);
        return Optional.of(row);
    }

    /** @return whether the agent had a row (and so needs a tombstone) */
    boolean remove(String connectionId, String agentId) {
        return this.agents.delete(AgentState.key(connectionId, agentId)) != null;
    }

    /**
     * The prefix of an agent's entries in the sessions index: with the id's length in it, an agent id with a '/'
     * cannot make one agent's prefix another's.
     */
    private static String memberPrefix(String connectionId, String agentId) {
        return AgentUsageMinute.keyPrefix(connectionId) + agentId.length() + ":" + agentId + "/";
    }
}
