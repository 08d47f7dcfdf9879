package io.crewstream.sim.control;

/**
 * How much churn to generate: {@code sessions} rows spread round-robin over the store's agents, changed at
 * {@code changesPerSecond} in total.
 */
public record ChurnPlan(int sessions, double changesPerSecond) {

    public ChurnPlan {
        if (sessions < 1) {
            throw new IllegalArgumentException("sessions must be >= 1, got " + sessions);
        }
        if (changesPerSecond < 0) {
            throw new IllegalArgumentException("changes per second must be >= 0, got " + changesPerSecond);
        }
    }
}
