package io.crewstream.sim.protocol;

import java.util.List;
import java.util.Set;

/** Fixed facts of OpenClaw gateway protocol v4 as served by {@code openclaw@2026.9.6}. */
public final class GatewayProtocol {

    public static final int VERSION = 4;
    /** Frames before authentication are capped at 64 KiB. */
    public static final int PRE_AUTH_MAX_PAYLOAD = 64 * 1024;
    public static final List<String> CHALLENGE_CAPABILITIES = List.of("model-catalog-snapshot");

    public static final Set<String> CLIENT_IDS = Set.of("webchat-ui", "openclaw-control-ui", "openclaw-browser-copilot",
            "openclaw-tui", "webchat", "cli", "gateway-client", "openclaw-macos", "openclaw-linux", "openclaw-ios",
            "openclaw-watchos", "openclaw-android", "node-host", "openclaw-worker", "test", "fingerprint",
            "openclaw-probe");

    public static final Set<String> CLIENT_MODES = Set.of("webchat", "cli", "ui", "backend", "node", "worker", "probe",
            "test");

    /** {@code connect.caps} flag: tool-stream {@code agent} events (client-info {@code GATEWAY_CLIENT_CAPS}). */
    public static final String CAP_TOOL_EVENTS = "tool-events";
    /** {@code connect.caps} flag: {@code agent} / {@code chat} only for keys of {@code sessions.messages.subscribe}. */
    public static final String CAP_SESSION_SCOPED_EVENTS = "session-scoped-events";

    private GatewayProtocol() {
    }
}
