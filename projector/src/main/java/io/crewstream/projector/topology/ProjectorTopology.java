package io.crewstream.projector.topology;

import java.time.Duration;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The projector's processing graph:
 *
 * <pre>
 * session-events    → decode → project sessions          → session-state (compacted), connection-state (compacted)
 * session-verifications → decode → verify sessions       → connection-state (lastVerifiedAt), snapshot-requests
 * connection-status → decode → project connection status → connection-state
 * run-events        → decode → project activity          → session-activity (compacted)
 * agent-lists       → decode → project agents            → agent-state (compacted)
 *                     decode → dead-letters (records that break the contract, from any input)
 *          every projector → dead-letters (rows too large to write)
 *
 * project sessions ──signals──→ project activity, project agents
 * project sessions ──offset applied──→ verify sessions
 * project connection status ──signals──→ project activity
 * project activity ──signals──→ project agents
 * </pre>
 *
 * The signals ({@link TableSignal}) are forwarded within the task, never written: a session added, removed or moved
 * to another agent, a snapshot applied, a connection lost, an activity row changed.
 *
 * Values are read as bytes and decoded inside the topology, so that a record that breaks the contract becomes a
 * dead letter written in the same transaction as everything else, instead of an exception outside of it. The input
 * topics are keyed by connection id and must have the same number of partitions: one task then owns all of a
 * connection's records and its state, including the connection rows both projectors update, and a sessions-verified
 * marker is checked in the task that applied the session events it names.
 *
 * <p>The verification needs no store of its own, so no changelog: where each connection's table stands in its
 * session events, and the marker waiting for it, are in memory ({@link VerificationPositions}) by design.
 */
public final class ProjectorTopology {

    /**
     * Current session rows, keyed by {@code SessionStateKey.format()}, as serialized {@code SessionState}s; the
     * output table's mirror.
     */
    public static final String SESSIONS_STORE = "sessions";

    /**
     * Per chunk of a snapshot still being received, keyed by {@code <connectionId>/<chunk index>}: its
     * {@link ChunkReceipt} (the keys it listed; its rows are applied on arrival). Replaces the {@code snapshot-chunks}
     * store, which held whole chunks until their snapshot was complete.
     */
    public static final String SNAPSHOT_PROGRESS_STORE = "snapshot-progress";

    /** Per connection: last status, last snapshot time and session count. */
    public static final String CONNECTIONS_STORE = "connections";

    /** Per session: its runs ({@link SessionRuns}) and its activity row as last published. */
    public static final String ACTIVITY_STORE = "activity";

    /** The errors on show, keyed by when they expire (then the session key): what the error timer reads. */
    public static final String ACTIVITY_ERRORS_STORE = "activity-errors";

    /** Per connection: its latest agent list. */
    public static final String AGENT_LISTS_STORE = "agent-lists";

    /** Per agent ({@code AgentState.key}): its row as last published. */
    public static final String AGENTS_STORE = "agents";

    /** Per agent and session of the session table: which sessions each agent has. */
    public static final String AGENT_SESSIONS_STORE = "agent-sessions";

    /** Kafka Streams metric group of the projector's own metrics. */
    public static final String METRIC_GROUP = "stream-" + DeadLetterWriter.METRIC_SCOPE + "-metrics";

    /** Kafka Streams metric (in {@link #METRIC_GROUP}, one per task and input) counting dead-lettered records. */
    public static final String DEAD_LETTERS_METRIC = DeadLetterWriter.DEAD_LETTER_OPERATION + "-total";

    static final String SESSION_EVENTS_SOURCE = "session-events-source";
    static final String CONNECTION_STATUS_SOURCE = "connection-status-source";
    static final String SESSION_VERIFICATIONS_SOURCE = "session-verifications-source";
    static final String DECODE_SESSION_VERIFICATIONS = "decode-session-verifications";
    static final String VERIFY_SESSIONS = "verify-sessions";
    static final String SNAPSHOT_REQUESTS_SINK = "snapshot-requests-sink";
    static final String RUN_EVENTS_SOURCE = "run-events-source";
    static final String AGENT_LISTS_SOURCE = "agent-lists-source";
    static final String DECODE_SESSION_EVENTS = "decode-session-events";
    static final String DECODE_RUN_EVENTS = "decode-run-events";
    static final String DECODE_AGENT_LISTS = "decode-agent-lists";
    static final String PROJECT_ACTIVITY = "project-activity";
    static final String PROJECT_AGENTS = "project-agents";
    static final String SESSION_ACTIVITY_SINK = "session-activity-sink";
    static final String AGENT_STATE_SINK = "agent-state-sink";
    static final String DECODE_CONNECTION_STATUS = "decode-connection-status";
    static final String PROJECT_SESSIONS = "project-sessions";
    static final String PROJECT_CONNECTION_STATUS = "project-connection-status";
    static final String SESSION_STATE_SINK = "session-state-sink";
    static final String CONNECTION_STATE_SINK = "connection-state-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private final TopicNamespace namespace;
    private final String consumerName;
    private final DiscardedSnapshots discardedSnapshots;
    private final int maxRecordBytes;
    private final Duration errorHold;
    private final SessionVerifications verifications;
    private final OwnerChanges ownerChanges;

    /**
     * @param consumerName how dead letters name this application
     *     ({@link io.crewstream.schemas.records.DeadLetter#consumer()})
     * @param discardedSnapshots where the stream threads count the snapshots they do not apply
     * @param maxRecordBytes the largest record the projector writes (see {@code StreamsSettings#maxRecordBytes}); a
     *     session or status whose row would be larger is dead-lettered instead
     * @param errorHold how long a session shows an error before it is idle again
     * @param verifications where the stream threads count what became of the sessions-verified markers
     * @param ownerChanges where the stream threads count gateways taken over by another ingestor instance
     */
    public ProjectorTopology(TopicNamespace namespace, String consumerName, DiscardedSnapshots discardedSnapshots,
            int maxRecordBytes, Duration errorHold, SessionVerifications verifications, OwnerChanges ownerChanges) {
        this.namespace = namespace;
        this.consumerName = consumerName;
        this.discardedSnapshots = discardedSnapshots;
        this.maxRecordBytes = maxRecordBytes;
        this.errorHold = errorHold;
        this.verifications = verifications;
        this.ownerChanges = ownerChanges;
    }

    public Topology build() {
        Topology topology = new Topology();
        topology.addSource(SESSION_EVENTS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                this.namespace.name(Topic.SESSION_EVENTS));
        topology.addSource(CONNECTION_STATUS_SOURCE, Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(), this.namespace.name(Topic.CONNECTION_STATUS));

        topology.addProcessor(DECODE_SESSION_EVENTS,
                () -> new DecodingProcessor<>(DECODE_SESSION_EVENTS, ContractSerdes.sessionEvents(),
                        SessionEvent::connectionId, this.consumerName, PROJECT_SESSIONS, DEAD_LETTER_SINK),
                SESSION_EVENTS_SOURCE);
        topology.addProcessor(DECODE_CONNECTION_STATUS,
                () -> new DecodingProcessor<>(DECODE_CONNECTION_STATUS, ContractSerdes.connectionStatus(),
                        ConnectionStatusEvent::connectionId, this.consumerName, PROJECT_CONNECTION_STATUS,
                        DEAD_LETTER_SINK),
                CONNECTION_STATUS_SOURCE);
        topology.addSource(RUN_EVENTS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                this.namespace.name(Topic.RUN_EVENTS));
        topology.addSource(AGENT_LISTS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                this.namespace.name(Topic.AGENT_LISTS));
        topology.addProcessor(DECODE_RUN_EVENTS,
                () -> new DecodingProcessor<>(DECODE_RUN_EVENTS, ContractSerdes.runEvents(), RunEvent::connectionId,
                        this.consumerName, PROJECT_ACTIVITY, DEAD_LETTER_SINK),
                RUN_EVENTS_SOURCE);
        topology.addProcessor(DECODE_AGENT_LISTS,
                () -> new DecodingProcessor<>(DECODE_AGENT_LISTS, ContractSerdes.agentLists(),
                        AgentList::connectionId, this.consumerName, PROJECT_AGENTS, DEAD_LETTER_SINK),
                AGENT_LISTS_SOURCE);

        RecordSizeLimit limit = new RecordSizeLimit(this.maxRecordBytes);
        topology.addProcessor(PROJECT_SESSIONS, () -> new SessionEventProjector(this.discardedSnapshots,
                this.consumerName, limit), DECODE_SESSION_EVENTS);
        topology.addProcessor(PROJECT_CONNECTION_STATUS, () -> new ConnectionStatusProjector(this.consumerName,
                limit, this.ownerChanges), DECODE_CONNECTION_STATUS);
        topology.addSource(SESSION_VERIFICATIONS_SOURCE, Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(), this.namespace.name(Topic.SESSION_VERIFICATIONS));
        topology.addProcessor(DECODE_SESSION_VERIFICATIONS,
                () -> new DecodingProcessor<>(DECODE_SESSION_VERIFICATIONS, ContractSerdes.sessionVerifications(),
                        SessionsVerified::connectionId, this.consumerName, VERIFY_SESSIONS, DEAD_LETTER_SINK),
                SESSION_VERIFICATIONS_SOURCE);
        topology.addProcessor(VERIFY_SESSIONS, () -> new SessionsVerifier(this.verifications, limit),
                DECODE_SESSION_VERIFICATIONS, PROJECT_SESSIONS);
        topology.addProcessor(PROJECT_ACTIVITY, () -> new ActivityProjector(this.consumerName, limit,
                this.errorHold), DECODE_RUN_EVENTS, PROJECT_SESSIONS, PROJECT_CONNECTION_STATUS,
                VERIFY_SESSIONS);
        topology.addProcessor(PROJECT_AGENTS, () -> new AgentProjector(this.consumerName, limit),
                DECODE_AGENT_LISTS, PROJECT_SESSIONS, PROJECT_ACTIVITY);

        topology.addStateStore(sessionsStore(), PROJECT_SESSIONS, PROJECT_ACTIVITY, PROJECT_AGENTS, VERIFY_SESSIONS);
        topology.addStateStore(store(SNAPSHOT_PROGRESS_STORE, ContractSerdes.of(ChunkReceipt.class)), PROJECT_SESSIONS);
        topology.addStateStore(connectionsStore(), PROJECT_SESSIONS, PROJECT_CONNECTION_STATUS, VERIFY_SESSIONS);
        topology.addStateStore(store(ACTIVITY_STORE, ContractSerdes.of(ActivityProgress.class)), PROJECT_ACTIVITY,
                PROJECT_AGENTS);
        topology.addStateStore(store(ACTIVITY_ERRORS_STORE, Serdes.String()), PROJECT_ACTIVITY);
        topology.addStateStore(store(AGENT_LISTS_STORE, ContractSerdes.agentLists()), PROJECT_AGENTS);
        topology.addStateStore(store(AGENTS_STORE, ContractSerdes.agentState()), PROJECT_AGENTS);
        topology.addStateStore(store(AGENT_SESSIONS_STORE, Serdes.String()), PROJECT_AGENTS);

        // Session states arrive serialized: the bytes SessionTable measured and stored, written as they are.
        topology.addSink(SESSION_STATE_SINK, this.namespace.name(Topic.SESSION_STATE), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), PROJECT_SESSIONS);
        topology.addSink(CONNECTION_STATE_SINK, this.namespace.name(Topic.CONNECTION_STATE),
                Serdes.String().serializer(), ContractSerdes.connectionState().serializer(), PROJECT_SESSIONS,
                PROJECT_CONNECTION_STATUS, VERIFY_SESSIONS);
        topology.addSink(SNAPSHOT_REQUESTS_SINK, this.namespace.name(Topic.SNAPSHOT_REQUESTS),
                Serdes.String().serializer(), ContractSerdes.snapshotRequests().serializer(), VERIFY_SESSIONS);
        topology.addSink(SESSION_ACTIVITY_SINK, this.namespace.name(Topic.SESSION_ACTIVITY),
                Serdes.String().serializer(), ContractSerdes.sessionActivity().serializer(), PROJECT_ACTIVITY);
        topology.addSink(AGENT_STATE_SINK, this.namespace.name(Topic.AGENT_STATE), Serdes.String().serializer(),
                ContractSerdes.agentState().serializer(), PROJECT_AGENTS);
        topology.addSink(DEAD_LETTER_SINK, this.namespace.name(Topic.DEAD_LETTERS), Serdes.String().serializer(),
                ContractSerdes.deadLetters().serializer(), DECODE_SESSION_EVENTS, DECODE_CONNECTION_STATUS,
                DECODE_RUN_EVENTS, DECODE_AGENT_LISTS, DECODE_SESSION_VERIFICATIONS, PROJECT_SESSIONS, PROJECT_CONNECTION_STATUS, PROJECT_ACTIVITY,
                PROJECT_AGENTS);
        return topology;
    }

    // Caching is off on every store: a cached write reaches the changelog only at the next flush, and the point of
    // this app is to pass each change on at once. Changelogs are on (the default): they are how stores come back.

    /**
     * Values are serialized {@code SessionState}s (see {@link SessionTable}): byte for byte what the serde-backed
     * store held, so the changelog and the stores on disk stay as they were.
     */
    private static StoreBuilder<KeyValueStore<String, byte[]>> sessionsStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS_STORE), Serdes.String(),
                Serdes.ByteArray()).withCachingDisabled();
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name,
            Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
                .withCachingDisabled();
    }

    private static StoreBuilder<KeyValueStore<String, ConnectionProgress>> connectionsStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONNECTIONS_STORE), Serdes.String(),
                ContractSerdes.of(ConnectionProgress.class)).withCachingDisabled();
    }
}
