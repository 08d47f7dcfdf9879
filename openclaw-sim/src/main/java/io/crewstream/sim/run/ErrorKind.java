package io.crewstream.sim.run;

/**
 * The {@code errorKind} of a chat {@code error} event: the closed set of {@code openclaw@2026.9.6}
 * ({@code CHAT_ERROR_KINDS} in {@code server-chat-*.mjs}).
 */
public enum ErrorKind {
    REFUSAL("refusal"),
    /** Also turns the session {@code status} into {@code timeout} instead of {@code failed}. */
    TIMEOUT("timeout"),
    RATE_LIMIT("rate_limit"),
    CONTEXT_LENGTH("context_length"),
    UNKNOWN("unknown");

    private final String wire;

    ErrorKind(String wire) {
        this.wire = wire;
    }

    /** The value on the wire. */
    public String wire() {
        return wire;
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static ErrorKind fromWire(String value) {
        for (ErrorKind kind : values()) {
            if (kind.wire.equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("errorKind must be one of refusal, timeout, rate_limit, context_length,"
                + " unknown; got '" + value + "'");
    }
}
