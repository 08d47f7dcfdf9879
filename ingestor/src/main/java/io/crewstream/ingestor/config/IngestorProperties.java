package io.crewstream.ingestor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything the ingestor can be told, under {@code crewstream.ingestor}. Checked as a whole at start-up by
 * {@link IngestorConfigValidator}, which reports every problem at once.
 *
 * @param upstreams the gateways to connect to; when none is configured, one {@code local} gateway: the OpenClaw
 *     gateway on this machine, found as {@link LocalOpenClaw} describes
 * @param kafka how records are written ({@code crewstream.ingestor.kafka.*}; where is {@code crewstream.kafka.*})
 * @param connection timings of every upstream connection
 * @param activitySummaries whether run events carry a {@link io.crewstream.schemas.records.RunEvent#summary()}
 *     (a tool call's arguments, a failed run's error message, cut to 200 characters); off by default, because those
 *     can hold private data (file contents, commands, URLs with credentials) that would then sit on a topic for its
 *     whole retention, and would make every tool event larger
 * @param instanceId this instance's name among the ingestors sharing the gateways: in statuses
 *     ({@code ConnectionStatusEvent#owner}), the {@code ce_crewstreamwriter} header of every record, health and logs;
 *     when unset, the host name and process id. Must differ between instances.
 * @param ownership how the ingestors sharing the gateways divide them (a Kafka consumer group)
 */
@ConfigurationProperties("crewstream.ingestor")
public record IngestorProperties(List<Upstream> upstreams, @DefaultValue Kafka kafka,
        @DefaultValue Connection connection, @DefaultValue("false") boolean activitySummaries, String instanceId,
        @DefaultValue Ownership ownership) {

    /** OpenClaw's own variable for the gateway token, read when an upstream names no token setting. */
    public static final String DEFAULT_TOKEN_ENV = "OPENCLAW_GATEWAY_TOKEN";

    public IngestorProperties {
        upstreams = (upstreams == null || upstreams.isEmpty()) ? List.of(Upstream.LOCAL) : List.copyOf(upstreams);
    }

    /**
     * One OpenClaw gateway. What it leaves unset comes from the OpenClaw on this machine ({@link LocalOpenClaw}):
     * without {@code url}, that gateway's address; with neither {@code tokenEnv} nor {@code tokenFile}, the token
     * from its config file, else {@value #DEFAULT_TOKEN_ENV}.
     *
     * @param id connection id: key of every record about this gateway, label of its metrics and health entry
     * @param url {@code ws://} or {@code wss://} address of the gateway
     * @param tokenEnv name of the environment variable holding the gateway token (used when no token file is set);
     *     when set, only that variable is read
     * @param tokenFile file holding the gateway token; wins over {@code tokenEnv}
     * @param enabled a disabled upstream is validated for its id only and never connected
     */
    public record Upstream(String id, String url, String tokenEnv, Path tokenFile,
            @DefaultValue("true") boolean enabled) {

        static final Upstream LOCAL = new Upstream("local", null, null, null, true);
    }

    /**
     * How the ingestor writes to Kafka. Where Kafka is, the topic prefix, the partitions of the topics read together
     * per connection and the replication are the pipeline's shared settings ({@code crewstream.kafka.*},
     * {@link io.crewstream.runtime.KafkaSettings}).
     *
     * @param rawFramesPartitions partitions of raw-frames, when the ingestor creates it
     * @param createTopics create the ingestor's output topics at start-up when missing
     * @param deliveryTimeout how long the producer keeps trying one record before it reports the send failed
     * @param snapshotChunkBytes target serialized size of one snapshot chunk; well under the broker's 1 MB default
     * @param maxRecordBytes the largest record the ingestor sends; a raw frame above it is truncated, a session row
     *     above it is published trimmed to its typed fields (marked {@code crewstreamTruncated}) with an error
     * @param maxPendingRecords records waiting for the producer beyond this count fail at once (degraded) instead
     *     of filling memory while Kafka is away
     */
    public record Kafka(@DefaultValue("3") int rawFramesPartitions, @DefaultValue("true") boolean createTopics, @DefaultValue("30s") Duration deliveryTimeout,
            @DefaultValue("262144") int snapshotChunkBytes, @DefaultValue("900000") int maxRecordBytes,
            @DefaultValue("100000") int maxPendingRecords) {
    }

    /**
     * How the ingestors sharing the gateways divide them: each joins one Kafka consumer group over the ownership
     * topic, one partition per gateway, and connects to the gateways of the partitions Kafka assigns it.
     *
     * @param sessionTimeout how long an instance may go without a heartbeat before Kafka gives its gateways to the
     *     others: the bulk of a failover after a crash (the broker allows 6 s to 30 min by default)
     * @param heartbeatInterval how often the instance tells Kafka it is alive; well under a third of the timeout
     * @param openTimeout how long taking a gateway over may wait for Kafka to make this instance its only writer
     *     ({@code initTransactions}) before trying again
     */
    public record Ownership(@DefaultValue("10s") Duration sessionTimeout,
            @DefaultValue("2s") Duration heartbeatInterval, @DefaultValue("30s") Duration openTimeout) {

        /** The defaults, for code that builds properties by hand. */
        public static final Ownership DEFAULTS = new Ownership(Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(30));
    }

    /**
     * @param reconciliationInterval how often a connected upstream is re-listed in full as a safety net
     * @param backoffInitial first reconnect delay ceiling; doubles per failed attempt (full jitter)
     * @param backoffMax reconnect delay ceiling
     * @param authRetryInterval delay between attempts while the gateway rejects the credentials
     * @param requestTimeout how long a request to the gateway may stay unanswered
     * @param connectTimeout how long opening the socket may take
     * @param handshakeTickInterval tick interval assumed until {@code hello-ok} tells the real one
     * @param pageSize {@code limit} of each {@code sessions.list} page
     * @param statusInterval how often each connection's status is published again while nothing changes, so that
     *     readers (the SSE gateway) can tell a quiet pipeline from a stopped one
     * @param snapshotOverdue how long a re-snapshot of a connected gateway may take before the connection is
     *     reported {@code connecting} ({@code snapshot_overdue}): live changes are held back until it is published
     */
    public record Connection(@DefaultValue("60s") Duration reconciliationInterval,
            @DefaultValue("1s") Duration backoffInitial, @DefaultValue("30s") Duration backoffMax,
            @DefaultValue("60s") Duration authRetryInterval, @DefaultValue("30s") Duration requestTimeout,
            @DefaultValue("10s") Duration connectTimeout, @DefaultValue("30s") Duration handshakeTickInterval,
            @DefaultValue("500") int pageSize, @DefaultValue("5s") Duration statusInterval,
            @DefaultValue("5s") Duration snapshotOverdue) {
    }
}
