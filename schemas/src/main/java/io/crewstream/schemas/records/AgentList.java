package io.crewstream.schemas.records;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on {@link io.crewstream.schemas.Topic#AGENT_LISTS}: a gateway's whole agent list, as {@code agents.list}
 * returned it after each (re)connect and whenever the agents may have changed. Each record replaces the previous one
 * of its connection: an agent missing from it is gone.
 *
 * @param defaultAgentId the gateway's default agent ({@code defaultId}), if it named one
 * @param mainKey the suffix of each agent's main session key ({@code agent:<agentId>:<mainKey>}), if it named one
 * @param observedAt epoch ms at which the ingestor received the list
 */
public record AgentList(Integer schemaVersion, String connectionId, String defaultAgentId, String mainKey,
        List<AgentInfo> agents, Long observedAt) {

    /** The main key a gateway uses when it names none. */
    public static final String DEFAULT_MAIN_KEY = "main";

    private static final String RECORD = "AgentList";

    public AgentList {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        agents = List.copyOf(Require.present(agents, RECORD, "agents"));
        Set<String> ids = new HashSet<>();
        for (AgentInfo agent : agents) {
            if (!ids.add(agent.id())) {
                throw new InvalidFieldException(RECORD, "agents", "lists agent '" + agent.id() + "' twice");
            }
        }
        Require.notNegative(observedAt, RECORD, "observedAt");
    }

    /** An agent's main session key: {@code agent:<agentId>:<mainKey>}. */
    public static String mainSessionKey(String agentId, String mainKey) {
        return "agent:" + agentId + ":" + (mainKey == null || mainKey.isBlank() ? DEFAULT_MAIN_KEY : mainKey);
    }

    public static AgentList of(String connectionId, String defaultAgentId, String mainKey, List<AgentInfo> agents,
            long observedAt) {
        return new AgentList(SchemaVersion.CURRENT, connectionId, defaultAgentId, mainKey, agents, observedAt);
    }
}
