package io.crewstream.sim.run;

/** Tokens one run used; added to the session row's counters when the run ends. */
public record Usage(long inputTokens, long outputTokens) {

    public static final Usage NONE = new Usage(0, 0);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, got " + inputTokens + "/" + outputTokens);
        }
    }

    public long total() {
        return inputTokens + outputTokens;
    }
}
