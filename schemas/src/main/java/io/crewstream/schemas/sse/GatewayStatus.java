package io.crewstream.schemas.sse;

import io.crewstream.schemas.Require;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.UpstreamState;

/**
 * Payload of {@code gateway-status}, and one entry of {@code sessions-refresh.gateways}: the state of one upstream
 * gateway connection, so that a dashboard can say "Gateway unreachable since 14:02 — showing the last known 7
 * sessions" instead of "No sessions".
 *
 * @param stale true while the connection is not {@code connected}, or its status is paused: its sessions are the last
 *     known ones
 * @param pausedSince set when the SSE gateway has heard nothing new about this connection for longer than the
 *     ingestor promised to restate it ({@code statusIntervalMs} of the connection-state row): the ingestor, the
 *     projector or the path between them stopped, so {@code state} is only the last known one. Epoch ms of the last
 *     word; null while the status keeps arriving
 * @param owner the ingestor instance holding the link ({@link ConnectionState#owner()}); null when unknown
 */
public record GatewayStatus(String connectionId, UpstreamState state, String reason, String reasonCode, Long since,
        String gatewayVersion, Long lastTickAt, Long lastSnapshotAt, Integer sessionCount, Boolean stale,
        Long pausedSince, String owner) {

    private static final String RECORD = "GatewayStatus";

    public GatewayStatus {
        Require.connectionId(connectionId, RECORD);
        Require.present(state, RECORD, "state");
        Require.present(since, RECORD, "since");
        Require.present(stale, RECORD, "stale");
    }

    /** The status of a row that is still being restated. */
    public static GatewayStatus from(ConnectionState state) {
        return from(state, null);
    }

    /** @param pausedSince epoch ms of the last word about the connection when its restatement is overdue, else null */
    public static GatewayStatus from(ConnectionState state, Long pausedSince) {
        return new GatewayStatus(state.connectionId(), state.state(), state.reason(), state.reasonCode(),
                state.since(), state.gatewayVersion(), state.lastTickAt(), state.lastSnapshotAt(),
                state.sessionCount(), state.sessionsStale() || pausedSince != null, pausedSince, state.owner());
    }
}
