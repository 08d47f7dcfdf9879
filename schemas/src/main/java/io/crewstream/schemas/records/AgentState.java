package io.crewstream.schemas.records;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on the compacted {@link io.crewstream.schemas.Topic#AGENT_STATE} table: one agent of one gateway, keyed by
 * {@link #key(String, String)} ({@code <connectionId>/<agentId>}). An agent is in the table while its gateway lists
 * it or any session of it exists (an agent with no sessions is in it too); a tombstone when neither holds.
 *
 * @param listed whether the gateway's last {@code agents.list} had it (false for an agent known only from sessions)
 * @param isDefault whether it is the gateway's default agent
 * @param mainSessionKey its main session's key ({@link AgentList#mainSessionKey})
 * @param status the busiest of its sessions ({@link ActivityState}); {@code idle} without sessions
 * @param sessions its sessions by activity
 * @param currentTool a tool one of its sessions is running (the most recently started), else null
 * @param lastError the last failure of any of its sessions, kept after they are idle again
 * @param revision 1 for the first row of a key, then +1 for every change
 * @param updatedAt epoch ms of the event that made this row
 */
public record AgentState(Integer schemaVersion, String connectionId, String agentId, AgentInfo agent,
        Boolean listed, Boolean isDefault, String mainSessionKey, ActivityState status, AgentSessionCounts sessions, AgentTool currentTool,
        ActivityError lastError, Long revision, Long updatedAt) {

    private static final String RECORD = "AgentState";

    public AgentState {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(agentId, RECORD, "agentId");
        Require.present(agent, RECORD, "agent");
        if (!agent.id().equals(agentId)) {
            throw new InvalidFieldException(RECORD, "agentId", "'" + agentId + "' differs from the agent's id '"
                    + agent.id() + "'");
        }
        Require.present(listed, RECORD, "listed");
        Require.present(isDefault, RECORD, "isDefault");
        Require.text(mainSessionKey, RECORD, "mainSessionKey");
        Require.present(status, RECORD, "status");
        Require.present(sessions, RECORD, "sessions");
        if (Require.notNegative(revision, RECORD, "revision") < 1) {
            throw new InvalidFieldException(RECORD, "revision", "must be at least 1 but was " + revision);
        }
        Require.notNegative(updatedAt, RECORD, "updatedAt");
    }

    /** The Kafka key of an agent's row: {@code <connectionId>/<agentId>} (the first '/' separates the parts). */
    public static String key(String connectionId, String agentId) {
        return AgentUsageMinute.key(connectionId, agentId);
    }

    public String key() {
        return key(this.connectionId, this.agentId);
    }

    /** The parts of a {@link #key(String, String)}: the first '/' separates them (an agent id may contain one). */
    public record Key(String connectionId, String agentId) {

        /** @throws IllegalArgumentException for text that is not {@code <connectionId>/<agentId>} */
        public static Key parse(String key) {
            int slash = (key == null) ? -1 : key.indexOf('/');
            if (slash <= 0 || slash == key.length() - 1) {
                throw new IllegalArgumentException("key is not <connectionId>/<agentId>");
            }
            return new Key(key.substring(0, slash), key.substring(slash + 1));
        }
    }
}
