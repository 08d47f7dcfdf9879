package io.crewstream.agentusage.topology;

import java.time.Duration;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The agent-usage app's processing graph:
 *
 * <pre>
 * session-state (table: rows and tombstones, keyed by session)
 *   → session changes  (per session, store "sessions": what each change adds; SessionRules)
 *   → repartition by &lt;connectionId&gt;/&lt;agentId&gt;  (internal topic &lt;application-id&gt;-by-agent-repartition)
 *   → tally minutes    (per agent, store "agent-minutes": one-minute event-time windows with a grace period)
 *   → agent-usage
 * </pre>
 *
 * The only input is the public session-state table, read from its start as any consumer would. The table is keyed
 * by session, so that each session's changes come in order to one task (the first stage); an agent's sessions are
 * spread over the partitions, so its changes are brought together by a repartition (the second stage). Stores have
 * changelogs and, under exactly-once, are committed with the input offsets and the outputs: a restart neither
 * loses nor double-counts a change.
 */
public final class AgentUsageTopology {

    /** Per session ({@code <connectionId>/<sessionKey>}): its agent, last totalTokens and last status. */
    public static final String SESSIONS_STORE = "sessions";

    /** Per agent ({@code <connectionId>/<agentId>}): its session count and its open minutes. */
    public static final String AGENT_MINUTES_STORE = "agent-minutes";

    /** Name of the repartition: the internal topic is {@code <application-id>-by-agent-repartition}. */
    public static final String BY_AGENT = "by-agent";

    /** Kafka Streams metric group of the app's own metrics. */
    public static final String METRIC_GROUP = "stream-" + MinuteTallyProcessor.METRIC_SCOPE + "-metrics";

    /** Kafka Streams metric (in {@link #METRIC_GROUP}, one per task) counting late changes. */
    public static final String LATE_RECORDS_METRIC = MinuteTallyProcessor.LATE_RECORD_OPERATION + "-total";

    static final String SESSION_STATE_SOURCE = "session-state-source";
    static final String SESSION_CHANGES = "session-changes";
    static final String TALLY_MINUTES = "tally-minutes";
    static final String AGENT_USAGE_SINK = "agent-usage-sink";

    private final TopicNamespace namespace;
    private final Duration grace;

    /**
     * @param grace how long after its end a minute still takes changes (event time)
     */
    public AgentUsageTopology(TopicNamespace namespace, Duration grace) {
        this.namespace = namespace;
        this.grace = grace;
    }

    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(sessionsStore());
        builder.addStateStore(agentMinutesStore());
        builder.stream(this.namespace.name(Topic.SESSION_STATE),
                        Consumed.with(Serdes.String(), ContractSerdes.sessionState()).withName(SESSION_STATE_SOURCE))
                .process(SessionChangeProcessor::new, Named.as(SESSION_CHANGES), SESSIONS_STORE)
                .repartition(Repartitioned.with(Serdes.String(), ContractSerdes.of(SessionUsage.class))
                        .withName(BY_AGENT))
                .process(() -> new MinuteTallyProcessor(this.grace), Named.as(TALLY_MINUTES), AGENT_MINUTES_STORE)
                .to(this.namespace.name(Topic.AGENT_USAGE),
                        Produced.with(Serdes.String(),
                                ContractSerdes.forTopic(Topic.AGENT_USAGE, AgentUsageMinute.class))
                                .withName(AGENT_USAGE_SINK));
        return builder.build();
    }

    // Caching is off: the processors write their outputs themselves, right after the store, and a cache would only
    // delay the changelog. Changelogs are on (the default): they are how the stores come back after a restart.

    private static StoreBuilder<KeyValueStore<String, SessionMemory>> sessionsStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS_STORE), Serdes.String(),
                ContractSerdes.of(SessionMemory.class)).withCachingDisabled();
    }

    private static StoreBuilder<KeyValueStore<String, AgentMinutes>> agentMinutesStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AGENT_MINUTES_STORE), Serdes.String(),
                ContractSerdes.of(AgentMinutes.class)).withCachingDisabled();
    }
}
