package io.crewstream.projector.topology;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.serde.ContractSerdes;
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
 * connection-status → decode → project connection status → connection-state
 *                     decode → dead-letters (records that break the contract, from either input)
 *          project sessions, project connection status → dead-letters (rows too large to write)
 * </pre>
 *
 * Values are read as bytes and decoded inside the topology, so that a record that breaks the contract becomes a
 * dead letter written in the same transaction as everything else, instead of an exception outside of it. Both input
 * topics are keyed by connection id and must have the same number of partitions: one task then owns all of a
 * connection's records and its state, including the connection rows both projectors update.
 */
public final class ProjectorTopology {

    /**
     * Current session rows, keyed by {@code SessionStateKey.format()}, as serialized {@code SessionState}s; the
     * output table's mirror.
     */
    public static final String SESSIONS_STORE = "sessions";

    /** Chunks of snapshots still being received, keyed by {@code <connectionId>/<chunk index>}. */
    public static final String SNAPSHOT_CHUNKS_STORE = "snapshot-chunks";

    /** Per connection: last status, last snapshot time and session count. */
    public static final String CONNECTIONS_STORE = "connections";

    /** Kafka Streams metric group of the projector's own metrics. */
    public static final String METRIC_GROUP = "stream-" + DeadLetterWriter.METRIC_SCOPE + "-metrics";

    /** Kafka Streams metric (in {@link #METRIC_GROUP}, one per task and input) counting dead-lettered records. */
    public static final String DEAD_LETTERS_METRIC = DeadLetterWriter.DEAD_LETTER_OPERATION + "-total";

    static final String SESSION_EVENTS_SOURCE = "session-events-source";
    static final String CONNECTION_STATUS_SOURCE = "connection-status-source";
    static final String DECODE_SESSION_EVENTS = "decode-session-events";
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

    /**
     * @param consumerName how dead letters name this application
     *     ({@link io.crewstream.schemas.records.DeadLetter#consumer()})
     * @param discardedSnapshots where the stream threads count the snapshots they do not apply
     * @param maxRecordBytes the largest record the projector writes (see {@code StreamsSettings#maxRecordBytes}); a
     *     session or status whose row would be larger is dead-lettered instead
     */
    public ProjectorTopology(TopicNamespace namespace, String consumerName, DiscardedSnapshots discardedSnapshots,
            int maxRecordBytes) {
        this.namespace = namespace;
        this.consumerName = consumerName;
        this.discardedSnapshots = discardedSnapshots;
        this.maxRecordBytes = maxRecordBytes;
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

        RecordSizeLimit limit = new RecordSizeLimit(this.maxRecordBytes);
        topology.addProcessor(PROJECT_SESSIONS, () -> new SessionEventProjector(this.discardedSnapshots,
                this.consumerName, limit), DECODE_SESSION_EVENTS);
        topology.addProcessor(PROJECT_CONNECTION_STATUS, () -> new ConnectionStatusProjector(this.consumerName,
                limit), DECODE_CONNECTION_STATUS);

        topology.addStateStore(sessionsStore(), PROJECT_SESSIONS);
        topology.addStateStore(snapshotChunksStore(), PROJECT_SESSIONS);
        topology.addStateStore(connectionsStore(), PROJECT_SESSIONS, PROJECT_CONNECTION_STATUS);

        // Session states arrive serialized: the bytes SessionTable measured and stored, written as they are.
        topology.addSink(SESSION_STATE_SINK, this.namespace.name(Topic.SESSION_STATE), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), PROJECT_SESSIONS);
        topology.addSink(CONNECTION_STATE_SINK, this.namespace.name(Topic.CONNECTION_STATE),
                Serdes.String().serializer(), ContractSerdes.connectionState().serializer(), PROJECT_SESSIONS,
                PROJECT_CONNECTION_STATUS);
        topology.addSink(DEAD_LETTER_SINK, this.namespace.name(Topic.DEAD_LETTERS), Serdes.String().serializer(),
                ContractSerdes.deadLetters().serializer(), DECODE_SESSION_EVENTS, DECODE_CONNECTION_STATUS,
                PROJECT_SESSIONS, PROJECT_CONNECTION_STATUS);
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

    private static StoreBuilder<KeyValueStore<String, SessionEvent>> snapshotChunksStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SNAPSHOT_CHUNKS_STORE), Serdes.String(),
                ContractSerdes.sessionEvents()).withCachingDisabled();
    }

    private static StoreBuilder<KeyValueStore<String, ConnectionProgress>> connectionsStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONNECTIONS_STORE), Serdes.String(),
                ContractSerdes.of(ConnectionProgress.class)).withCachingDisabled();
    }
}
