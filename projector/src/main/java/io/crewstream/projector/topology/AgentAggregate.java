package io.crewstream.projector.topology;

import java.util.List;

import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.records.ActivityError;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.AgentTool;
import io.crewstream.schemas.records.SessionActivity;

/**
 * An agent's row from what its gateway lists and what its sessions do: pure, no state of its own.
 *
 * <ul>
 * <li>listed: in the gateway's latest agent list (its info, {@code isDefault} from the list's default agent);
 * otherwise known from its sessions only, with just its id;</li>
 * <li>its sessions counted by activity, a session without activity counting as idle;</li>
 * <li>status: the busiest of its sessions, {@code running-tool} over {@code thinking} over {@code error} over
 * {@code idle} ({@code idle} without sessions);</li>
 * <li>currentTool: the most recently started tool any of its sessions runs; lastError: the latest of its
 * sessions'.</li>
 * </ul>
 */
final class AgentAggregate {

    /** One session of the agent: its key, and its activity row if it has one. */
    record AgentSession(String sessionKey, SessionActivity activity) {
    }

    private AgentAggregate() {
    }

    /**
     * @param list the connection's latest agent list, or null before the first
     * @param revision the revision to give the row
     * @return the agent's row, or null when it is in no table: not listed, and without sessions
     */
    static AgentState of(String connectionId, String agentId, AgentList list, List<AgentSession> sessions,
            long revision, long updatedAt) {
        AgentInfo listed = list == null ? null
                : list.agents().stream().filter(agent -> agent.id().equals(agentId)).findFirst().orElse(null);
        if (listed == null && sessions.isEmpty()) {
            return null;
        }
        long idle = 0;
        long thinking = 0;
        long runningTool = 0;
        long error = 0;
        ActivityState status = ActivityState.IDLE;
        AgentTool currentTool = null;
        ActivityError lastError = null;
        for (AgentSession session : sessions) {
            SessionActivity activity = session.activity();
            ActivityState state = activity == null ? ActivityState.IDLE : activity.state();
            switch (state) {
                case THINKING -> thinking++;
                case RUNNING_TOOL -> runningTool++;
                case ERROR -> error++;
                default -> idle++;
            }
            if (rank(state) > rank(status)) {
                status = state;
            }
            if (activity == null) {
                continue;
            }
            if (state == ActivityState.RUNNING_TOOL
                    && (currentTool == null || activity.since() > currentTool.since())) {
                currentTool = new AgentTool(session.sessionKey(), activity.toolName(), activity.since());
            }
            ActivityError failed = activity.lastError();
            if (failed != null && (lastError == null || failed.at() > lastError.at())) {
                lastError = new ActivityError(failed.kind(), failed.at(), failed.runId(), session.sessionKey());
            }
        }
        String mainKey = list == null ? null : list.mainKey();
        return new AgentState(SchemaVersion.CURRENT, connectionId, agentId,
                listed != null ? listed : new AgentInfo(agentId, null, null, null, null, null, null), listed != null,
                listed != null && agentId.equals(list.defaultAgentId()), AgentList.mainSessionKey(agentId, mainKey),
                status, new AgentSessionCounts((long) sessions.size(), idle, thinking, runningTool, error),
                currentTool, lastError, revision, updatedAt);
    }

    /** Whether two rows say the same, whatever their revision and time. */
    static boolean sameContent(AgentState a, AgentState b) {
        return unversioned(a).equals(unversioned(b));
    }

    private static AgentState unversioned(AgentState row) {
        return new AgentState(row.schemaVersion(), row.connectionId(), row.agentId(), row.agent(), row.listed(),
                row.isDefault(), row.mainSessionKey(), row.status(), row.sessions(), row.currentTool(),
                row.lastError(), 1L, 0L);
    }

    /** How busy a state is: the busiest session gives the agent its status. */
    private static int rank(ActivityState state) {
        return switch (state) {
            case RUNNING_TOOL -> 3;
            case THINKING -> 2;
            case ERROR -> 1;
            case IDLE -> 0;
        };
    }
}
