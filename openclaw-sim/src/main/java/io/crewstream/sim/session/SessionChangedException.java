package io.crewstream.sim.session;

/** A patch named an {@code expectedSessionId} that is not the row's current one. */
public final class SessionChangedException extends RuntimeException {

    private final String key;

    public SessionChangedException(String key) {
        super("Session " + key + " changed before patch");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
