package io.crewstream.schemas;

/** How a topic's record key is formed. Keys are UTF-8 strings on every topic. */
public enum KeyFormat {

    /** The upstream connection id; all records of one connection share a partition, so their order holds. */
    CONNECTION_ID("<connectionId>"),

    /** {@link SessionStateKey}: connection id and session key; one compacted row per session. */
    CONNECTION_AND_SESSION_KEY("<connectionId>/<sessionKey>"),

    /**
     * {@link io.crewstream.schemas.records.AgentUsageMinute#key()}: connection id and agent id; every minute of one
     * agent shares a partition, so a reader sees its updates in order. The first '/' separates the two parts.
     */
    CONNECTION_AND_AGENT_ID("<connectionId>/<agentId>"),

    /**
     * The key of the record that failed (may be null), copied unchanged up to
     * {@link io.crewstream.schemas.records.DeadLetter#MAX_KEY_BYTES}; a longer one is cut, see
     * {@link io.crewstream.schemas.records.DeadLetter#keyFor(String)}.
     */
    SOURCE_KEY("<the failed record's key, or its first 256 characters + '...sha256:<hex>' when over 1,024 bytes>");

    private final String pattern;

    KeyFormat(String pattern) {
        this.pattern = pattern;
    }

    public String pattern() {
        return this.pattern;
    }
}
