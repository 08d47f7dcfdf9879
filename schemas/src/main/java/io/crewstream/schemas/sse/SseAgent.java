package io.crewstream.schemas.sse;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.records.ActivityError;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.AgentTool;

/**
 * An agent as the browser sees it: CrewHub's agent shape (the snake_case fields its {@code GET /api/agents} returns;
 * CrewHub links an agent to its main session by {@code agent_session_key}) followed by crewstream's own, camelCase,
 * like the sessions' {@code connectionId}. CrewHub's registry-only fields (room, pinning, bio, …) have CrewHub's
 * defaults or are absent: crewstream shows what the gateway says.
 *
 * @param id the agent id; two gateways may each have an agent of the same id ({@code connectionId} tells them apart)
 * @param isStale CrewHub's flag for an agent its gateway no longer lists (one known only from its sessions)
 * @param status the busiest of its sessions
 */
public record SseAgent(String id, String name, @JsonProperty("display_name") String displayName, String icon,
        @JsonProperty("avatar_url") String avatarUrl, String color,
        @JsonProperty("agent_session_key") String agentSessionKey,
        @JsonProperty("default_model") String defaultModel, @JsonProperty("sort_order") Integer sortOrder,
        @JsonProperty("is_pinned") Boolean isPinned, @JsonProperty("auto_spawn") Boolean autoSpawn, String source,
        @JsonProperty("updated_at") Long updatedAt, @JsonProperty("is_stale") Boolean isStale,
        String connectionId, Boolean isDefault, ActivityState status, AgentSessionCounts sessions,
        AgentTool currentTool, ActivityError lastError) {

    /** CrewHub's icon for an agent without one. */
    public static final String DEFAULT_ICON = "🤖";
    /** CrewHub's colour for an agent without one. */
    public static final String DEFAULT_COLOR = "#6b7280";
    /** CrewHub's source for gateway agents. */
    public static final String OPENCLAW_SOURCE = "openclaw";
    /** CrewHub's sort order for agents it has no defaults for. */
    public static final int DEFAULT_SORT_ORDER = 99;

    private static final String RECORD = "SseAgent";

    public SseAgent {
        Require.text(id, RECORD, "id");
        Require.text(name, RECORD, "name");
        Require.connectionId(connectionId, RECORD);
        Require.present(status, RECORD, "status");
        Require.present(sessions, RECORD, "sessions");
    }

    public static SseAgent of(AgentState state) {
        AgentInfo agent = state.agent();
        String name = agent.name() != null ? agent.name() : agent.displayName() != null ? agent.displayName()
                : agent.id();
        return new SseAgent(agent.id(), name, agent.displayName(), agent.emoji() != null ? agent.emoji()
                : DEFAULT_ICON, agent.avatarUrl(), DEFAULT_COLOR, state.mainSessionKey(), agent.model(),
                state.isDefault() ? 0 : DEFAULT_SORT_ORDER, false, false, OPENCLAW_SOURCE, state.updatedAt(),
                !state.listed(), state.connectionId(), state.isDefault(), state.status(), state.sessions(),
                state.currentTool(), state.lastError());
    }

    /** The key the SSE gateway keeps agents by: {@code <connectionId>/<agentId>}, as on the table's topic. */
    public String key() {
        return AgentState.key(this.connectionId, this.id);
    }
}
