package io.crewstream.sim.run;

/**
 * How much random agent activity to generate: {@code runsPerMinute} runs started over all sessions, scripts drawn
 * from a {@link java.util.Random} seeded with {@code seed} (the same seed gives the same scripts on the same sessions).
 * {@link #OFF} generates nothing.
 */
public record ActivityPlan(double runsPerMinute, long seed) {

    public static final ActivityPlan OFF = new ActivityPlan(0, 42);

    public ActivityPlan {
        if (runsPerMinute < 0 || Double.isNaN(runsPerMinute) || Double.isInfinite(runsPerMinute)) {
            throw new IllegalArgumentException("runs per minute must be >= 0, got " + runsPerMinute);
        }
    }

    public boolean enabled() {
        return runsPerMinute > 0;
    }
}
