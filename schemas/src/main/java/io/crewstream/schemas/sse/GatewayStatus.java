package io.crewstream.schemas.sse;

import io.crewstream.schemas.Require;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.UpstreamState;

/**
 * Payload of {@code gateway-status}, and one entry of {@code sessions-refresh.gateways}: the state of one upstream
 * gateway connection, so that a dashboard can say "Gateway unreachable since 14:02 — showing the last known 7
 * sessions" instead of "No sessions".
 *
 * @param stale true while the connection is not {@code connected}: its sessions are the last known ones
 */
public record GatewayStatus(String connectionId, UpstreamState state, String reason, String reasonCode, Long since,
        String gatewayVersion, Long lastTickAt, Long lastSnapshotAt, Integer sessionCount, Boolean stale) {

    private static final String RECORD = "GatewayStatus";

    public GatewayStatus {
        Require.connectionId(connectionId, RECORD);
        Require.present(state, RECORD, "state");
        Require.present(since, RECORD, "since");
        Require.present(stale, RECORD, "stale");
    }

    public static GatewayStatus from(ConnectionState state) {
        return new GatewayStatus(state.connectionId(), state.state(), state.reason(), state.reasonCode(),
                state.since(), state.gatewayVersion(), state.lastTickAt(), state.lastSnapshotAt(),
                state.sessionCount(), state.sessionsStale());
    }
}
