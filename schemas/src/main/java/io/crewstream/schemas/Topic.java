package io.crewstream.schemas;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Every Kafka topic of crewstream: its name, key format, value shape, cleanup policy and intended retention. No
 * other module spells a topic name; they ask this enum, through a {@link TopicNamespace} so that several pipelines
 * (or tests) can share one cluster.
 */
public enum Topic {

    /** Ingestor output: snapshot chunks, single-session upserts and removals, in upstream order per connection. */
    SESSION_EVENTS("crewstream.session-events.v1", KeyFormat.CONNECTION_ID, Payload.SESSION_EVENT,
            CleanupPolicy.DELETE, Duration.ofDays(7)),

    /** Ingestor output: every transition of an upstream connection. */
    CONNECTION_STATUS("crewstream.connection-status.v1", KeyFormat.CONNECTION_ID, Payload.CONNECTION_STATUS,
            CleanupPolicy.DELETE, Duration.ofDays(7)),

    /** Ingestor output: every inbound upstream frame, for replay and debugging. */
    RAW_FRAMES("crewstream.raw-frames.v1", KeyFormat.CONNECTION_ID, Payload.RAW_FRAME,
            CleanupPolicy.DELETE, Duration.ofDays(3)),

    /**
     * Ingestor output: the steps of agent runs (started, tool started/ended, ended with outcome, error kind and usage),
     * never message text or tool arguments. Keyed by connection id like {@link #SESSION_EVENTS}, with which it must
     * share its partition count: one session's events stay in order, and the projector sees a gateway's runs and
     * snapshots in one task (a snapshot closes runs whose end was lost).
     */
    RUN_EVENTS("crewstream.run-events.v1", KeyFormat.CONNECTION_ID, Payload.RUN_EVENT, CleanupPolicy.DELETE,
            Duration.ofDays(7)),

    /** Ingestor output: a gateway's whole agent list after each (re)connect and each change; the latest one holds. */
    AGENT_LISTS("crewstream.agent-lists.v1", KeyFormat.CONNECTION_ID, Payload.AGENT_LIST, CleanupPolicy.DELETE,
            Duration.ofDays(7)),

    /**
     * Ingestor output: after a re-list that published only differences, the count and digest of the connection's
     * sessions and the {@link #SESSION_EVENTS} offset they hold at. Keyed by connection id like the session events,
     * with which it must share its partition count (a marker names an offset in the same-numbered partition).
     */
    SESSION_VERIFICATIONS("crewstream.session-verifications.v1", KeyFormat.CONNECTION_ID, Payload.SESSIONS_VERIFIED,
            CleanupPolicy.DELETE, Duration.ofDays(7)),

    /**
     * Projector output, ingestor input: a reader of {@link #SESSION_EVENTS} asks for a full snapshot of a connection
     * (its table disagreed with a {@link #SESSION_VERIFICATIONS} marker). Keyed by connection id; short-lived, since only
     * a request newer than the connection's last full snapshot means anything.
     */
    SNAPSHOT_REQUESTS("crewstream.snapshot-requests.v1", KeyFormat.CONNECTION_ID, Payload.SNAPSHOT_REQUEST,
            CleanupPolicy.DELETE, Duration.ofDays(1)),

    /** Projector output: the latest state of every session; a tombstone when a session is removed. */
    SESSION_STATE("crewstream.session-state.v1", KeyFormat.CONNECTION_AND_SESSION_KEY, Payload.SESSION_STATE,
            CleanupPolicy.COMPACT, null),

    /** Projector output: the latest state of every upstream connection. */
    CONNECTION_STATE("crewstream.connection-state.v1", KeyFormat.CONNECTION_ID, Payload.CONNECTION_STATE,
            CleanupPolicy.COMPACT, null),

    /**
     * Projector output: what every session is doing right now (idle, thinking, running a tool, error) and how its last
     * run went; a tombstone when the session is removed.
     */
    SESSION_ACTIVITY("crewstream.session-activity.v1", KeyFormat.CONNECTION_AND_SESSION_KEY,
            Payload.SESSION_ACTIVITY, CleanupPolicy.COMPACT, null),

    /**
     * Projector output: every agent of every gateway, with its sessions by activity and an aggregate status; a
     * tombstone when the gateway no longer lists it and it has no sessions.
     */
    AGENT_STATE("crewstream.agent-state.v1", KeyFormat.CONNECTION_AND_AGENT_ID, Payload.AGENT_STATE,
            CleanupPolicy.COMPACT, null),

    /** Records a consumer could not process, with the reason; kept long enough for someone to look. */
    DEAD_LETTERS("crewstream.dead-letters.v1", KeyFormat.SOURCE_KEY, Payload.DEAD_LETTER,
            CleanupPolicy.DELETE, Duration.ofDays(14)),

    /**
     * The agent-usage app's output: per agent and minute, its sessions, token consumption and finished runs
     * ({@link io.crewstream.schemas.records.AgentUsageMinute}). A minute is written again whenever a later change
     * alters it: the last record of a key and {@code minuteStart} holds.
     */
    AGENT_USAGE("crewstream.agent-usage.v1", KeyFormat.CONNECTION_AND_AGENT_ID, Payload.AGENT_USAGE,
            CleanupPolicy.DELETE, Duration.ofDays(30));

    /** Compacted topics keep removals (tombstones) this long, so a resuming client still sees the removal. */
    public static final Duration TOMBSTONE_RETENTION = Duration.ofDays(1);

    /** Compaction waits this long before merging, so recent history stays readable for resume. */
    public static final Duration MIN_COMPACTION_LAG = Duration.ofMinutes(10);

    private final String baseName;
    private final KeyFormat keyFormat;
    private final Payload value;
    private final CleanupPolicy cleanupPolicy;
    private final Duration retention;

    Topic(String baseName, KeyFormat keyFormat, Payload value, CleanupPolicy cleanupPolicy, Duration retention) {
        this.baseName = baseName;
        this.keyFormat = keyFormat;
        this.value = value;
        this.cleanupPolicy = cleanupPolicy;
        this.retention = retention;
    }

    /** The name in the default namespace. */
    public String baseName() {
        return this.baseName;
    }

    public KeyFormat keyFormat() {
        return this.keyFormat;
    }

    public Payload value() {
        return this.value;
    }

    public CleanupPolicy cleanupPolicy() {
        return this.cleanupPolicy;
    }

    /** How long records are kept; {@code null} for compacted topics, which keep the latest value per key forever. */
    public Duration retention() {
        return this.retention;
    }

    /** The topic-level configuration this topic is created with. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, this.cleanupPolicy.configValue());
        if (this.cleanupPolicy == CleanupPolicy.COMPACT) {
            configs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(MIN_COMPACTION_LAG.toMillis()));
            configs.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(TOMBSTONE_RETENTION.toMillis()));
        }
        else {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(this.retention.toMillis()));
        }
        return configs;
    }

    /**
     * A topic definition for {@code Admin#createTopics}, in the given namespace: {@link #configs()} and the
     * replication's own {@code min.insync.replicas}.
     */
    public NewTopic newTopic(TopicNamespace namespace, int partitions, TopicReplication replication) {
        Map<String, String> configs = configs();
        configs.putAll(replication.topicConfigs());
        return new NewTopic(namespace.name(this), partitions, replication.factor()).configs(configs);
    }

    /** {@link #newTopic(TopicNamespace, int, TopicReplication)} with the default {@code min.insync.replicas}. */
    public NewTopic newTopic(TopicNamespace namespace, int partitions, short replicationFactor) {
        return newTopic(namespace, partitions, TopicReplication.of(replicationFactor, null));
    }

    public enum CleanupPolicy {
        DELETE(TopicConfig.CLEANUP_POLICY_DELETE), COMPACT(TopicConfig.CLEANUP_POLICY_COMPACT);

        private final String configValue;

        CleanupPolicy(String configValue) {
            this.configValue = configValue;
        }

        public String configValue() {
            return this.configValue;
        }
    }
}
