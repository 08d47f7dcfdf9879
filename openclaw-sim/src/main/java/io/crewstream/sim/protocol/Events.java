package io.crewstream.sim.protocol;

import java.util.List;

/** Gateway event names the simulator emits. */
public final class Events {

    public static final String CONNECT_CHALLENGE = "connect.challenge";
    public static final String TICK = "tick";
    public static final String HEALTH = "health";
    public static final String SHUTDOWN = "shutdown";
    public static final String SESSIONS_CHANGED = "sessions.changed";
    public static final String AGENT = "agent";
    public static final String CHAT = "chat";
    public static final String SESSION_TOOL = "session.tool";
    public static final String CONFIG_CHANGED = "config.changed";

    /**
     * Advertised in {@code hello-ok.features.events}. {@link #CONFIG_CHANGED} is sent but not advertised, as on the
     * real gateway (observed).
     */
    public static final List<String> ADVERTISED = List.of(CONNECT_CHALLENGE, SESSIONS_CHANGED, "presence", TICK,
            SHUTDOWN, HEALTH, "heartbeat", AGENT, CHAT, SESSION_TOOL);

    private Events() {
    }
}
