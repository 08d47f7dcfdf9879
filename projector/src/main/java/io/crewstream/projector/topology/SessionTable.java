package io.crewstream.projector.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The session rows of one task, over the {@link ProjectorTopology#SESSIONS_STORE} store, which holds exactly what
 * was last published to the session-state topic for each key. Decides whether a row is a change and what its change
 * type and revision are, and refuses a row whose record would be too large to write. Used from a stream thread only.
 *
 * <p>The store holds the serialized {@link SessionState}, not the object: a changed row is serialized once, and
 * those bytes are measured, stored (so its changelog record) and published ({@link Change#value()}). Through a
 * serde-backed store and sink it was serialized three times, and this is the projector's hottest path.
 */
final class SessionTable {

    private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

    private static final ContractSerde<SessionState> STATES = ContractSerdes.sessionState();

    private final KeyValueStore<String, byte[]> store;

    private final RecordSizeLimit limit;

    /**
     * A row that changed.
     * @param value {@link #state()} serialized: what was stored, and what to publish unchanged
     * @param previousAgentId the agent the row named before ({@link SessionRow#agentId()}); null for a new row
     */
    record Change(SessionState state, byte[] value, String previousAgentId) {
    }

    /**
     * @param limit the largest session-state record this table stores and so publishes: the same record goes to the
     *     store's changelog and to the output topic
     */
    SessionTable(KeyValueStore<String, byte[]> store, RecordSizeLimit limit) {
        this.store = store;
        this.limit = limit;
    }

    /**
     * Stores the row if it differs from the current one in more than its volatile fields.
     * @return the new session-state value to publish, or empty when nothing changed
     * @throws OversizedOutputException when the row's record would be over the limit; nothing is stored then
     */
    Optional<Change> upsert(String connectionId, SessionRow row, long observedAt) {
        String key = new SessionStateKey(connectionId, row.key()).format();
        SessionState current = STATES.deserialize(ProjectorTopology.SESSIONS_STORE, this.store.get(key));
        SessionState next;
        if (current == null) {
            next = SessionState.of(connectionId, ChangeType.CREATED, 1, observedAt, row);
        }
        else if (current.session().sameContentAs(row)) {
            return Optional.empty();
        }
        else {
            next = SessionState.of(connectionId, ChangeType.UPDATED, current.revision() + 1, observedAt, row);
        }
        byte[] value = STATES.serialize(ProjectorTopology.SESSIONS_STORE, next);
        this.limit.requireFits(key, value,
                () -> "Session '" + DeadLetter.keyFor(row.key()) + "' of connection " + connectionId);
        this.store.put(key, value);
        return Optional.of(new Change(next, value, current == null ? null : current.session().agentId()));
    }

    /** @return the removed row, if the key was in the table (and so needs a tombstone) */
    Optional<SessionRow> remove(SessionStateKey key) {
        SessionState removed = STATES.deserialize(ProjectorTopology.SESSIONS_STORE, this.store.delete(key.format()));
        return removed == null ? Optional.empty() : Optional.of(removed.session());
    }

    /** The session's current row, if it is in the table. */
    Optional<SessionState> get(SessionStateKey key) {
        return Optional.ofNullable(STATES.deserialize(ProjectorTopology.SESSIONS_STORE,
                this.store.get(key.format())));
    }

    /** The agent of each session of the connection that names one, by session key. */
    Map<String, String> agentsOf(String connectionId) {
        Map<String, String> agents = new HashMap<>();
        try (KeyValueIterator<String, byte[]> rows = this.store
                .prefixScan(SessionStateKey.connectionPrefix(connectionId), KEY_SERIALIZER)) {
            rows.forEachRemaining(row -> {
                SessionState state = STATES.deserialize(ProjectorTopology.SESSIONS_STORE, row.value);
                if (state.session().agentId() != null) {
                    agents.put(state.sessionKey(), state.session().agentId());
                }
            });
        }
        return agents;
    }

    /**
     * The {@link SessionsDigest} of the connection's sessions as the table holds them, to compare with a
     * sessions-verified marker. Reads each stored value only up to its {@code upstreamUpdatedAt} (see
     * {@link #updatedAtOf}), never the row: a check of 10,000 sessions must not parse 20 MB of JSON.
     */
    SessionsDigest digestOf(String connectionId) {
        String prefix = SessionStateKey.connectionPrefix(connectionId);
        SessionsDigest digest = new SessionsDigest();
        try (KeyValueIterator<String, byte[]> rows = this.store.prefixScan(prefix, KEY_SERIALIZER)) {
            rows.forEachRemaining(row -> digest.add(row.key.substring(prefix.length()), updatedAtOf(row.value)));
        }
        return digest;
    }

    /**
     * The row's {@code updatedAt} from a stored {@link SessionState}: its {@code upstreamUpdatedAt}, which
     * {@link SessionState#of} copies from {@link SessionRow#updatedAt()} and which is written before the row (fields
     * in declaration order) and left out when null. So the parse stops at the first of the two.
     */
    static Long updatedAtOf(byte[] state) {
        try (JsonParser parser = ContractJson.mapper().createParser(state)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals("upstreamUpdatedAt")) {
                    return parser.getLongValue();
                }
                if (name.equals("session")) {
                    return null;
                }
                parser.skipChildren();
            }
            return null;
        }
    }

    /** The keys of every session of the connection. */
    List<SessionStateKey> keysOf(String connectionId) {
        List<SessionStateKey> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> rows = this.store
                .prefixScan(SessionStateKey.connectionPrefix(connectionId), KEY_SERIALIZER)) {
            rows.forEachRemaining(row -> keys.add(SessionStateKey.parse(row.key)));
        }
        return keys;
    }
}
