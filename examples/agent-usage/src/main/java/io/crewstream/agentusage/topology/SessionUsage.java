package io.crewstream.agentusage.topology;

/**
 * What one change of one session adds to its agent's minute: the value of the repartition topic, keyed
 * {@code <connectionId>/<agentId>}, timestamped with the change's event time.
 *
 * @param activeDelta +1 when the session appeared, -1 when it was removed, 0 otherwise
 * @param created 1 when the table says the session was created
 * @param removed 1 when the session was removed
 * @param tokens growth of the session's {@code totalTokens}
 * @param finished the outcome of a run that ended with this change ({@code done}, {@code failed}, …), or null
 */
record SessionUsage(String connectionId, String agentId, int activeDelta, int created, int removed, long tokens,
        String finished) {

    /** Whether this change leaves every figure of its minute as it was. */
    boolean addsNothing() {
        return this.activeDelta == 0 && this.created == 0 && this.removed == 0 && this.tokens == 0
                && this.finished == null;
    }
}
