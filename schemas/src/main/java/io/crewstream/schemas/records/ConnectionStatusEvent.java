package io.crewstream.schemas.records;

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
 */
public record ConnectionStatusEvent(Integer schemaVersion, String connectionId, UpstreamState state, String reason,
        String reasonCode, Long since, String gatewayVersion, Long lastTickAt, String upstreamUrl, Long observedAt) {

    private static final String RECORD = "ConnectionStatusEvent";

    public ConnectionStatusEvent {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.present(state, RECORD, "state");
        Require.notNegative(since, RECORD, "since");
        Require.notNegative(observedAt, RECORD, "observedAt");
    }

    public static ConnectionStatusEvent of(String connectionId, UpstreamState state, String reason, String reasonCode,
            long since, String gatewayVersion, Long lastTickAt, String upstreamUrl, long observedAt) {
        return new ConnectionStatusEvent(SchemaVersion.CURRENT, connectionId, state, reason, reasonCode, since,
                gatewayVersion, lastTickAt, upstreamUrl, observedAt);
    }
}
