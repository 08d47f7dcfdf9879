package io.crewstream.sim.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway's sessions, in memory, with the mutation semantics observed on {@code openclaw@2026.9.6}: creating an
 * existing key touches it and emits {@code create} again, patching a missing key creates it, deleting emits a keyed
 * {@code delete} then a keyless one, deleting a missing key changes nothing.
 *
 * <p>Threading: all methods are thread-safe; they serialize on the store's monitor. Listeners run on the mutating
 * thread while the monitor is held, so every listener sees changes in the order they were applied, and
 * {@link #withPage} can hand out a snapshot that no change can overtake.
 */
public final class SessionStore {

    private static final Comparator<ObjectNode> NEWEST_FIRST = Comparator
            .comparingLong((ObjectNode row) -> row.path("updatedAt").asLong(0)).reversed()
            .thenComparing(row -> row.get("key").stringValue());

    private volatile AgentCatalog agents;
    private final Clock clock;
    private final Map<String, ObjectNode> rows = new HashMap<>();
    private final List<SessionChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final List<SessionChange> deferred = new ArrayList<>(); // guarded by this
    private int deferring; // guarded by this

    public SessionStore(AgentCatalog agents, Clock clock) {
        this.agents = agents;
        this.clock = clock;
    }

    /** The agents configured right now (see {@link #addAgent}, {@link #removeAgent}). */
    public AgentCatalog agents() {
        return agents;
    }

    /** @throws IllegalArgumentException when an agent with that id exists */
    public synchronized void addAgent(Agent agent) {
        agents = agents.with(agent);
    }

    /**
     * Removes an agent from the catalog; its sessions stay (the real {@code agents.delete} has its own options for
     * them, not simulated).
     *
     * @throws IllegalArgumentException for an unknown id or the default agent
     */
    public synchronized void removeAgent(String agentId) {
        agents = agents.without(agentId);
    }

    public void addListener(SessionChangeListener listener) {
        listeners.add(listener);
    }

    public void removeListener(SessionChangeListener listener) {
        listeners.remove(listener);
    }

    /**
     * Creates {@code key} (or touches it when it exists) with {@code fields} merged over a fresh row.
     *
     * @throws UnknownAgentException when the key's agent is not configured
     * @return a copy of the stored row
     */
    public synchronized ObjectNode create(String key, ObjectNode fields) {
        // Unlike patch, create refuses unknown agents: INVALID_REQUEST "Unknown agent id" (observed).
        Agent agent = agentOf(key);
        long now = clock.millis();
        ObjectNode row = rows.get(key);
        if (row == null) {
            row = SessionRows.newRow(key, agent, textOrNull(fields, "label"), now);
            rows.put(key, row);
        }
        merge(row, fields);
        row.put("updatedAt", now);
        emit(SessionChange.withRow(SessionChange.CREATE, row.deepCopy(), now));
        return row.deepCopy();
    }

    /**
     * Merges {@code fields} into the row, creating it when missing. Unlike create, patch does not check the agent id
     * (observed: the real gateway creates a store for an unknown agent).
     *
     * @param expectedSessionId nullable guard; when set it must be the row's current {@code sessionId}
     * @throws SessionChangedException when the guard does not match
     */
    public synchronized ObjectNode patch(String key, ObjectNode fields, String expectedSessionId) {
        ObjectNode existing = rows.get(key);
        if (expectedSessionId != null
                && (existing == null || !expectedSessionId.equals(existing.path("sessionId").asString(null)))) {
            throw new SessionChangedException(key);
        }
        String agentId = SessionKeys.agentIdOf(key).orElse(agents.defaultAgent().id());
        Agent fallback = agents.defaultAgent();
        Agent agent = agents.find(agentId)
                .orElse(new Agent(agentId, agentId, fallback.modelProvider(), fallback.model()));
        long now = clock.millis();
        ObjectNode row = rows.computeIfAbsent(key, k -> SessionRows.newRow(k, agent, textOrNull(fields, "label"), now));
        merge(row, fields);
        row.put("updatedAt", now);
        emit(SessionChange.withRow(SessionChange.PATCH, row.deepCopy(), now));
        return row.deepCopy();
    }

    /** @return the removed row, or empty (and no event) when the key did not exist */
    public synchronized Optional<ObjectNode> delete(String key) {
        ObjectNode removed = rows.remove(key);
        if (removed == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        emit(SessionChange.keyedDelete(removed, now));
        emit(SessionChange.keyless(SessionChange.DELETE, now));
        return Optional.of(removed.deepCopy());
    }

    /**
     * Deletes {@code oldKey} and creates {@code newKey} as one step: subscribers see the same three events as for a
     * delete followed by a create, but no list can observe the moment in between.
     */
    public synchronized ObjectNode replace(String oldKey, String newKey, ObjectNode fields) {
        delete(oldKey);
        return create(newKey, fields);
    }

    /**
     * Merges a run's state into an existing row and emits the run-lifecycle variant of {@code sessions.changed}
     * ({@code phase}, {@code runId}, no {@code reason}). A missing row is left alone (the real gateway persists
     * lifecycle state only into rows that exist).
     *
     * @param change computes the fields to merge from a copy of the current row
     * @return the updated row, or empty when the key does not exist
     */
    public synchronized Optional<ObjectNode> applyRun(String key, String phase, String runId,
            java.util.function.UnaryOperator<ObjectNode> change) {
        ObjectNode row = rows.get(key);
        if (row == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        merge(row, change.apply(row.deepCopy()));
        row.put("updatedAt", now);
        emit(SessionChange.lifecycle(row, phase, runId, now));
        return Optional.of(row.deepCopy());
    }

    /**
     * Changes a row without emitting anything: what a restarted gateway's recovery does to runs that died with the
     * process (no client was connected to hear it). No-op for a missing key.
     */
    public synchronized void patchSilently(String key, ObjectNode fields) {
        ObjectNode row = rows.get(key);
        if (row != null) {
            merge(row, fields);
            row.put("updatedAt", clock.millis());
        }
    }

    public synchronized Optional<ObjectNode> get(String key) {
        return Optional.ofNullable(rows.get(key)).map(ObjectNode::deepCopy);
    }

    public synchronized int size() {
        return rows.size();
    }

    /** The keys of every session, archived ones included: what a test compares a downstream copy with. */
    public synchronized Set<String> keys() {
        return Set.copyOf(rows.keySet());
    }

    /** Rows per agent id, archived ones included. */
    public synchronized Map<String, Integer> countByAgent() {
        Map<String, Integer> counts = new HashMap<>();
        for (ObjectNode row : rows.values()) {
            counts.merge(row.path("agentId").asString(""), 1, Integer::sum);
        }
        return counts;
    }

    public synchronized SessionPage list(SessionQuery query) {
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode row : rows.values()) {
            if (query.matches(row)) {
                matching.add(row);
            }
        }
        matching.sort(NEWEST_FIRST);
        int from = Math.min(query.offset(), matching.size());
        int to = (int) Math.min((long) from + query.limit(), matching.size());
        List<ObjectNode> page = new ArrayList<>(to - from);
        long now = clock.millis();
        for (ObjectNode row : matching.subList(from, to)) {
            page.add(row.deepCopy().put("snapshotAt", now));
        }
        return new SessionPage(page, matching.size(), query.limit(), query.offset(), now);
    }

    /**
     * Lists and hands the page to {@code action} while holding the store lock, so that no change is emitted between
     * the snapshot and whatever {@code action} does (subscribing and sending the page, for {@code sessions.subscribe}).
     */
    public synchronized void withPage(SessionQuery query, Consumer<SessionPage> action) {
        action.accept(list(query));
    }

    private Agent agentOf(String key) {
        String agentId = SessionKeys.agentIdOf(key).orElse(agents.defaultAgent().id());
        return agents.find(agentId).orElseThrow(() -> new UnknownAgentException(agentId));
    }

    private static void merge(ObjectNode row, ObjectNode fields) {
        for (Map.Entry<String, JsonNode> field : fields.properties()) {
            if (!field.getKey().equals("key")) {
                row.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        if (fields.has("label") && !fields.has("displayName")) {
            row.set("displayName", fields.get("label").deepCopy());
        }
    }

    private static String textOrNull(ObjectNode fields, String name) {
        return fields.path(name).isString() ? fields.get(name).stringValue() : null;
    }

    /**
     * Applies {@code mutation}, hands its result to {@code beforeEvents}, and only then emits the changes the
     * mutation made, all under the store lock. The gateway uses it to queue an RPC's response before the
     * {@code sessions.changed} events the RPC causes, in the order the real gateway sends them.
     */
    public synchronized <T> T applyThen(Supplier<T> mutation, Consumer<? super T> beforeEvents) {
        T result;
        deferring++;
        try {
            result = mutation.get();
        } finally {
            deferring--;
        }
        try {
            beforeEvents.accept(result);
        } finally {
            if (deferring == 0) {
                List<SessionChange> changes = List.copyOf(deferred);
                deferred.clear();
                changes.forEach(this::notifyListeners);
            }
        }
        return result;
    }

    private void emit(SessionChange change) {
        if (deferring > 0) {
            deferred.add(change);
        } else {
            notifyListeners(change);
        }
    }

    private void notifyListeners(SessionChange change) {
        for (SessionChangeListener listener : listeners) {
            listener.onChange(change);
        }
    }
}
