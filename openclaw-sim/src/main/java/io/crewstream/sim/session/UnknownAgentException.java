package io.crewstream.sim.session;

/** A session key or {@code agentId} names an agent the gateway does not have. */
public final class UnknownAgentException extends RuntimeException {

    public UnknownAgentException(String agentId) {
        // The real gateway's wording, quotes included.
        super("Unknown agent id \"" + agentId + "\"");
    }
}
