package io.crewstream.agentusage.topology;

/**
 * What the app remembers of one session: the value of the {@link AgentUsageTopology#SESSIONS_STORE} store, keyed
 * like the session-state table. A tombstone has no row, so the agent a removal counts under comes from here.
 *
 * @param agentId the agent the session counts under, fixed when the app first saw it
 * @param totalTokens the session's last known {@code totalTokens} (0 while the rows had none)
 * @param status the session's last known run status; null while the rows had none
 */
record SessionMemory(String agentId, long totalTokens, String status) {
}
