package io.crewstream.schemas.records;

import io.crewstream.schemas.Require;

/**
 * One agent of a gateway's {@code agents.list}, reduced to what a dashboard shows.
 *
 * @param id the agent id (the {@code <agentId>} of its session keys {@code agent:<agentId>:…})
 * @param name the configured name, if any
 * @param displayName the identity's name ({@code identity.name}), if any
 * @param emoji the identity's emoji, if any
 * @param theme the identity's theme, if any
 * @param avatarUrl the identity's avatar URL, if any ({@code http(s)} only: inline images are not carried)
 * @param model the primary model ({@code model.primary}), if any
 */
public record AgentInfo(String id, String name, String displayName, String emoji, String theme, String avatarUrl,
        String model) {

    public AgentInfo {
        Require.text(id, "AgentInfo", "id");
    }
}
