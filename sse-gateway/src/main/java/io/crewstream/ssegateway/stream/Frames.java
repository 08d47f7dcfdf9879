package io.crewstream.ssegateway.stream;

import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.sse.AgentsRefresh;
import io.crewstream.schemas.sse.AuthExpired;
import io.crewstream.schemas.sse.GatewayStatus;
import io.crewstream.schemas.sse.PipelineStatus;
import io.crewstream.schemas.sse.SessionRemovedPayload;
import io.crewstream.schemas.sse.SessionsRefresh;
import io.crewstream.schemas.sse.SseActivity;
import io.crewstream.schemas.sse.SseAgent;
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

    /** The agent list: a newer one replaces an older one still pending. */
    private static final String AGENTS_KEY = "agents";

    private static final String AGENT_KEY_PREFIX = "a/";

    /**
     * A gateway's status sent because its pause changed, not its row: keyed apart from the row's events, so that
     * neither replaces the other in a client's queue (a row event carries a resume position; these carry none).
     */
    private static final String GATEWAY_PAUSE_KEY_PREFIX = "gp/";

    private static final String PIPELINE_KEY = "pipeline";

    private static final String AUTH_KEY = "auth";

    private Frames() {
    }

    /** The whole table as the client may see it; call under the table's lock for a consistent result. */
    public static SessionsRefresh refresh(SessionTable table, ClientFilter filter) {
        List<SseSession> sessions = new ArrayList<>();
        for (SessionState session : table.sessions()) {
            if (filter.acceptsSession(session)) {
                sessions.add(session(session, table.activity(session.key())));
            }
        }
        return SessionsRefresh.of(sessions, gateways(table, filter), table.position().token(),
                table.pipeline().status());
    }

    /** Every agent the client may see ({@code GET /api/agents}, {@code agents-refresh}); call under the table's lock. */
    public static AgentsRefresh agents(SessionTable table, ClientFilter filter) {
        return agents(table.agents(), filter);
    }

    /** The agents of {@code agents} the client may see, in their order. */
    static AgentsRefresh agents(List<AgentState> agents, ClientFilter filter) {
        List<SseAgent> visible = new ArrayList<>();
        for (AgentState agent : agents) {
            if (filter.acceptsAgent(agent)) {
                visible.add(SseAgent.of(agent));
            }
        }
        return new AgentsRefresh(visible);
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
     * {@code gateway-status} of its own, so that a client listening only for those learns about an outage at once,
     * then the agents ({@code agents-refresh}, same position), then the pipeline's status.
     */
    static List<SseFrame> initialState(SessionsRefresh refresh, AgentsRefresh agents) {
        List<SseFrame> frames = new ArrayList<>();
        frames.add(SseFrame.event(SseEventType.SESSIONS_REFRESH, refresh.position(), refresh, REFRESH_KEY, null));
        for (GatewayStatus gateway : refresh.gateways()) {
            frames.add(SseFrame.event(SseEventType.GATEWAY_STATUS, refresh.position(), gateway,
                    GATEWAY_KEY_PREFIX + gateway.connectionId(), null));
        }
        frames.add(agentsRefresh(agents, refresh.position(), null));
        if (refresh.pipeline() != null) {
            frames.add(pipeline(refresh.pipeline()));
        }
        return frames;
    }

    /**
     * {@code agents-refresh}: the whole agent list as of {@code position}.
     * @param observedAt when the change that made it reached the pipeline (an agent's removal); null otherwise
     */
    static SseFrame agentsRefresh(AgentsRefresh agents, String position, Long observedAt) {
        return SseFrame.event(SseEventType.AGENTS_REFRESH, position, agents, AGENTS_KEY, observedAt);
    }

    /** The agent list a client of {@code filter} gets for an agent's removal: the agents left that it may see. */
    static SseFrame agentRemoved(TableChange change, ClientFilter filter) {
        return agentsRefresh(agents(change.agentsAfter(), filter), change.positionAfter().token(),
                change.observedAt());
    }

    /** {@code pipeline-status}: no {@code id:}, since it is not a table change and must not move a resume position. */
    static SseFrame pipeline(PipelineStatus status) {
        return SseFrame.event(SseEventType.PIPELINE_STATUS, null, status, PIPELINE_KEY, null);
    }

    /** {@code auth-expired}: the last event of a stream whose access has ended; no {@code id:} (like the pipeline's). */
    static SseFrame authExpired(long expiredAt) {
        return SseFrame.event(SseEventType.AUTH_EXPIRED, null, new AuthExpired(expiredAt, "The access this stream was "
                + "opened with has expired; get a new stream ticket and resume with the last event id"), AUTH_KEY,
                null);
    }

    /** A gateway's status because its pause began or ended; no {@code id:}, like {@link #pipeline}. */
    static SseFrame gatewayPause(ConnectionState connection, Long pausedSince) {
        return SseFrame.event(SseEventType.GATEWAY_STATUS, null, GatewayStatus.from(connection, pausedSince),
                GATEWAY_PAUSE_KEY_PREFIX + connection.connectionId(), null);
    }

    /**
     * The event for a change happening now; null for a change the contract has no event for, and for an agent's
     * removal, whose event depends on the client's filter ({@link #agentRemoved}).
     */
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
            case SESSION_CREATED -> SseFrame.event(SseEventType.SESSION_CREATED, id,
                    session(change.session(), change.activity()), sessionKey(change), observedAt);
            case SESSION_UPDATED -> SseFrame.event(SseEventType.SESSION_UPDATED, id,
                    session(change.session(), change.activity()), sessionKey(change), observedAt);
            case SESSION_REMOVED -> SseFrame.event(SseEventType.SESSION_REMOVED, id,
                    new SessionRemovedPayload(change.sessionKey().sessionKey(), change.connectionId()),
                    sessionKey(change), observedAt);
            case GATEWAY_CHANGED -> SseFrame.event(SseEventType.GATEWAY_STATUS, id,
                    GatewayStatus.from(change.connection()), GATEWAY_KEY_PREFIX + change.connectionId(), observedAt);
            // The contract has no event for a connection deleted from the table; the next refresh omits it.
            case GATEWAY_REMOVED -> null;
            case AGENT_UPDATED -> SseFrame.event(SseEventType.AGENT_UPDATED, id, SseAgent.of(change.agent()),
                    AGENT_KEY_PREFIX + change.agent().key(), observedAt);
            case AGENT_REMOVED -> null;
        };
    }

    private static SseSession session(SessionState state, SessionActivity activity) {
        return new SseSession(state.connectionId(), state.session(), activity == null ? null
                : SseActivity.of(activity));
    }

    private static String sessionKey(TableChange change) {
        return SESSION_KEY_PREFIX + change.sessionKey().format();
    }
}
