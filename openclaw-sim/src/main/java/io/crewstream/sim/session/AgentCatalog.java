package io.crewstream.sim.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.crewstream.sim.protocol.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The agents a simulated gateway knows. Immutable. The first agent is the default, like {@code main} on a plain gateway. */
public record AgentCatalog(List<Agent> agents) {

    public static final String MAIN_KEY = "main";
    private static final String[] MODELS = {"openai/gpt-6-astra", "anthropic/claude-opus-5", "xai/grok-5"};

    public AgentCatalog {
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("a gateway has at least one agent");
        }
        agents = List.copyOf(agents);
    }

    /** {@code main} plus {@code agent-2} … {@code agent-<count>}. */
    public static AgentCatalog ofCount(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("agent count must be >= 1, got " + count);
        }
        List<Agent> agents = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String id = i == 1 ? "main" : "agent-" + i;
            String[] model = MODELS[(i - 1) % MODELS.length].split("/");
            agents.add(new Agent(id, i == 1 ? "Main" : "Agent " + i, model[0], model[1]));
        }
        return new AgentCatalog(agents);
    }

    /** A catalog with {@code agent} added at the end. */
    public AgentCatalog with(Agent agent) {
        if (find(agent.id()).isPresent()) {
            throw new IllegalArgumentException("agent \"" + agent.id() + "\" already exists");
        }
        List<Agent> next = new ArrayList<>(agents);
        next.add(agent);
        return new AgentCatalog(next);
    }

    /** A catalog without {@code agentId}; the default agent cannot be removed (a gateway always has one). */
    public AgentCatalog without(String agentId) {
        if (find(agentId).isEmpty()) {
            throw new IllegalArgumentException("Unknown agent id \"" + agentId + "\"");
        }
        if (defaultAgent().id().equals(agentId)) {
            throw new IllegalArgumentException("agent \"" + agentId + "\" is the default agent and cannot be removed");
        }
        return new AgentCatalog(agents.stream().filter(agent -> !agent.id().equals(agentId)).toList());
    }

    public Agent defaultAgent() {
        return agents.get(0);
    }

    public Optional<Agent> find(String id) {
        return agents.stream().filter(agent -> agent.id().equals(id)).findFirst();
    }

    public ObjectNode agentsListPayload(String workspaceRoot) {
        ObjectNode payload = Json.object()
                .put("defaultId", defaultAgent().id())
                .put("ownership", "sole")
                .put("selectionRequired", false)
                .put("mainKey", MAIN_KEY)
                .put("scope", "per-sender");
        ArrayNode list = payload.putArray("agents");
        for (Agent agent : agents) {
            ObjectNode node = list.addObject().put("id", agent.id()).put("name", agent.name())
                    .put("workspace", workspaceRoot + "/" + agent.id()).put("workspaceGit", false);
            node.putObject("model").put("primary", agent.modelProvider() + "/" + agent.model());
        }
        return payload;
    }
}
