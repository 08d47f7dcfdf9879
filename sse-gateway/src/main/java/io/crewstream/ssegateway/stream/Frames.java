package io.crewstream.ssegateway.stream;

import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.sse.GatewayStatus;
import io.crewstream.schemas.sse.PipelineStatus;
import io.crewstream.schemas.sse.SessionRemovedPayload;
import io.crewstream.schemas.sse.SessionsRefresh;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.SseSession;
import io.crewstream.ssegateway.state.PipelineView;
import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.state.TableChange;

/** Maps table content and table changes onto the browser contract. Stateless. */
public final class Frames {

    private static final String REFRESH_KEY = "refresh";

    private static final String SESSION_KEY_PREFIX = "s/";

    private static final String GATEWAY_KEY_PREFIX = "g/";

    /**
     * A gateway's status sent because its pause changed, not its row: keyed apart from the row's events, so that
     * neither replaces the other in a client's queue (a row event carries a resume position; these carry none).
     */
    private static final String GATEWAY_PAUSE_KEY_PREFIX = "gp/";

    private static final String PIPELINE_KEY = "pipeline";

    private Frames() {
    }

    /** The whole table as the client may see it; call under the table's lock for a consistent result. */
    public static SessionsRefresh refresh(SessionTable table, ClientFilter filter) {
        List<SseSession> sessions = new ArrayList<>();
        for (SessionState session : table.sessions()) {
            if (filter.acceptsSession(session)) {
                sessions.add(new SseSession(session.connectionId(), session.session()));
            }
        }
        return SessionsRefresh.of(sessions, gateways(table, filter), table.position().token(),
                table.pipeline().status());
    }

    /** Every gateway connection the client may see, each paused if its status is overdue. */
    public static List<GatewayStatus> gateways(SessionTable table, ClientFilter filter) {
        PipelineView pipeline = table.pipeline();
        List<GatewayStatus> gateways = new ArrayList<>();
        for (ConnectionState connection : table.connections()) {
            if (filter.acceptsGateway(connection.connectionId())) {
                gateways.add(GatewayStatus.from(connection, pipeline.pausedSince(connection.connectionId())));
            }
        }
        return gateways;
    }

    /**
     * What a client that cannot resume gets first: the refresh, then each gateway's status as a
     * {@code gateway-status} of its own, so that a client listening only for those learns about an outage at once.
     */
    static List<SseFrame> initialState(SessionsRefresh refresh) {
        List<SseFrame> frames = new ArrayList<>();
        frames.add(SseFrame.event(SseEventType.SESSIONS_REFRESH, refresh.position(), refresh, REFRESH_KEY, null));
        for (GatewayStatus gateway : refresh.gateways()) {
            frames.add(SseFrame.event(SseEventType.GATEWAY_STATUS, refresh.position(), gateway,
                    GATEWAY_KEY_PREFIX + gateway.connectionId(), null));
        }
        if (refresh.pipeline() != null) {
            frames.add(pipeline(refresh.pipeline()));
        }
        return frames;
    }

    /** {@code pipeline-status}: no {@code id:}, since it is not a table change and must not move a resume position. */
    static SseFrame pipeline(PipelineStatus status) {
        return SseFrame.event(SseEventType.PIPELINE_STATUS, null, status, PIPELINE_KEY, null);
    }

    /** A gateway's status because its pause began or ended; no {@code id:}, like {@link #pipeline}. */
    static SseFrame gatewayPause(ConnectionState connection, Long pausedSince) {
        return SseFrame.event(SseEventType.GATEWAY_STATUS, null, GatewayStatus.from(connection, pausedSince),
                GATEWAY_PAUSE_KEY_PREFIX + connection.connectionId(), null);
    }

    /** The event for a change happening now; null for a change the contract has no event for. */
    static SseFrame live(TableChange change) {
        return frame(change, change.observedAt());
    }

    /** The event for a change replayed to a resuming client. */
    static SseFrame replayed(TableChange change) {
        return frame(change, null);
    }

    private static SseFrame frame(TableChange change, Long observedAt) {
        String id = change.positionAfter().token();
        return switch (change.kind()) {
            case SESSION_CREATED -> SseFrame.event(SseEventType.SESSION_CREATED, id, session(change.session()),
                    sessionKey(change), observedAt);
            case SESSION_UPDATED -> SseFrame.event(SseEventType.SESSION_UPDATED, id, session(change.session()),
                    sessionKey(change), observedAt);
            case SESSION_REMOVED -> SseFrame.event(SseEventType.SESSION_REMOVED, id,
                    new SessionRemovedPayload(change.sessionKey().sessionKey(), change.connectionId()),
                    sessionKey(change), observedAt);
            case GATEWAY_CHANGED -> SseFrame.event(SseEventType.GATEWAY_STATUS, id,
                    GatewayStatus.from(change.connection()), GATEWAY_KEY_PREFIX + change.connectionId(), observedAt);
            // The contract has no event for a connection deleted from the table; the next refresh omits it.
            case GATEWAY_REMOVED -> null;
        };
    }

    private static SseSession session(SessionState state) {
        return new SseSession(state.connectionId(), state.session());
    }

    private static String sessionKey(TableChange change) {
        return SESSION_KEY_PREFIX + change.sessionKey().format();
    }
}
