package io.crewstream.schemas.records;

import java.util.Objects;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on {@link io.crewstream.schemas.Topic#CONNECTION_STATUS}: the ingestor's link to one gateway changed
 * state. Never carries credentials.
 *
 * @param reason human-readable cause ("connection refused", "tick timeout after 60000 ms", …); null when connected
 * @param reasonCode machine-readable cause ({@code AUTH_TOKEN_MISMATCH}, {@code insufficient_scope},
 *     {@code tick_timeout}, {@code shutdown}, …); null when connected
 * @param since epoch ms at which this state began
 * @param gatewayVersion {@code hello-ok.server.version}, once known
 * @param lastTickAt epoch ms of the last frame received from the gateway, once any
 * @param upstreamUrl the configured gateway URL with any user info and query removed
 * @param statusIntervalMs the ingestor restates this status at least this often (ms) while it runs, so a reader
 *     that has not seen a newer one for much longer knows the pipeline behind it stopped moving; null when no
 *     restatement is promised (the ingestor stopped, or an older ingestor)
 * @param kafkaOutage set on the first status the ingestor publishes after Kafka accepted records again: when it could
 *     not write, and how many records it lost (the snapshot that follows replaces them); null otherwise
 * @param owner the ingestor instance that holds this link and wrote this status ({@code crewstream.ingestor.instance-id}):
 *     of several ingestors sharing the gateways, exactly one owns each gateway at a time, and a change of owner is
 *     a failover or a handover; null from an ingestor older than ownership
 */
public record ConnectionStatusEvent(Integer schemaVersion, String connectionId, UpstreamState state, String reason,
        String reasonCode, Long since, String gatewayVersion, Long lastTickAt, String upstreamUrl, Long observedAt,
        Long statusIntervalMs, KafkaOutage kafkaOutage, String owner) {

    private static final String RECORD = "ConnectionStatusEvent";

    public ConnectionStatusEvent {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.present(state, RECORD, "state");
        Require.notNegative(since, RECORD, "since");
        Require.notNegative(observedAt, RECORD, "observedAt");
        if (statusIntervalMs != null && statusIntervalMs < 1) {
            throw new InvalidFieldException(RECORD, "statusIntervalMs", "must be positive but was " + statusIntervalMs);
        }
    }

    /**
     * Whether this event only restates {@code other}: the same state, reason and start, published again so that
     * readers know the pipeline still moves (tick time and observation time may differ). One that reports a Kafka
     * outage is news, never a restatement, and so is one from another owner.
     */
    public boolean restates(ConnectionStatusEvent other) {
        return other != null && this.kafkaOutage == null && this.connectionId.equals(other.connectionId) && this.state == other.state
                && Objects.equals(this.reason, other.reason)
                && Objects.equals(this.reasonCode, other.reasonCode)
                && Objects.equals(this.since, other.since)
                && Objects.equals(this.owner, other.owner);
    }

    /** A status with no restatement promised. */
    public static ConnectionStatusEvent of(String connectionId, UpstreamState state, String reason, String reasonCode,
            long since, String gatewayVersion, Long lastTickAt, String upstreamUrl, long observedAt) {
        return of(connectionId, state, reason, reasonCode, since, gatewayVersion, lastTickAt, upstreamUrl, observedAt,
                null);
    }

    public static ConnectionStatusEvent of(String connectionId, UpstreamState state, String reason, String reasonCode,
            long since, String gatewayVersion, Long lastTickAt, String upstreamUrl, long observedAt,
            Long statusIntervalMs) {
        return new ConnectionStatusEvent(SchemaVersion.CURRENT, connectionId, state, reason, reasonCode, since,
                gatewayVersion, lastTickAt, upstreamUrl, observedAt, statusIntervalMs, null, null);
    }

    /** This status, telling of the Kafka outage the ingestor just lived through. */
    public ConnectionStatusEvent withKafkaOutage(KafkaOutage outage) {
        return new ConnectionStatusEvent(this.schemaVersion, this.connectionId, this.state, this.reason,
                this.reasonCode, this.since, this.gatewayVersion, this.lastTickAt, this.upstreamUrl, this.observedAt,
                this.statusIntervalMs, outage, this.owner);
    }

    /** This status, written by the ingestor instance {@code owner} (which holds the link). */
    public ConnectionStatusEvent withOwner(String owner) {
        return new ConnectionStatusEvent(this.schemaVersion, this.connectionId, this.state, this.reason,
                this.reasonCode, this.since, this.gatewayVersion, this.lastTickAt, this.upstreamUrl, this.observedAt,
                this.statusIntervalMs, this.kafkaOutage, owner);
    }
}
