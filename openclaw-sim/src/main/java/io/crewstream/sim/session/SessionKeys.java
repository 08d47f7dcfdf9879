package io.crewstream.sim.session;

import java.util.Optional;

/** Session keys look like {@code agent:<agentId>:<rest>}; {@code global} and {@code unknown} are sentinels. */
public final class SessionKeys {

    private static final String PREFIX = "agent:";

    private SessionKeys() {
    }

    public static Optional<String> agentIdOf(String key) {
        if (!key.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int end = key.indexOf(':', PREFIX.length());
        return end <= PREFIX.length() ? Optional.empty() : Optional.of(key.substring(PREFIX.length(), end));
    }

    public static String of(String agentId, String rest) {
        return PREFIX + agentId + ":" + rest;
    }
}
