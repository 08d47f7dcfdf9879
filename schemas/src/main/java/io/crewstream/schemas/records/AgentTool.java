package io.crewstream.schemas.records;

import io.crewstream.schemas.Require;

/** The tool an agent is running: in which session, and since when (epoch ms). */
public record AgentTool(String sessionKey, String toolName, Long since) {

    public AgentTool {
        Require.text(sessionKey, "AgentTool", "sessionKey");
        Require.text(toolName, "AgentTool", "toolName");
        Require.notNegative(since, "AgentTool", "since");
    }
}
