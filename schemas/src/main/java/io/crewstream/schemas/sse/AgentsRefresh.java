package io.crewstream.schemas.sse;

import java.util.List;

import io.crewstream.schemas.Require;

/**
 * Payload of {@code agents-refresh}, and the body of {@code GET /api/agents}: every agent, in CrewHub's envelope
 * {@code {agents: [...]}}.
 */
public record AgentsRefresh(List<SseAgent> agents) {

    public AgentsRefresh {
        agents = List.copyOf(Require.present(agents, "AgentsRefresh", "agents"));
    }
}
