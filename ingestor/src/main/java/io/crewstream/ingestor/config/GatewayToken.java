package io.crewstream.ingestor.config;

/**
 * A gateway credential. It is read once at start-up and handed over only when the {@code connect} request is
 * built; {@link #toString()} never shows it, so a token cannot reach a log line by accident.
 */
public final class GatewayToken {

    private final String value;

    GatewayToken(String value) {
        this.value = value;
    }

    /** The secret itself, for the {@code connect} request's {@code auth.token} and nothing else. */
    public String reveal() {
        return this.value;
    }

    @Override
    public String toString() {
        return "GatewayToken[redacted]";
    }
}
