package io.crewstream.sim.protocol;

/** WebSocket close codes with the meaning the OpenClaw gateway gives them. */
public final class CloseCodes {

    /** Used (without reason) when text that is not JSON arrives before the handshake (observed). */
    public static final int NORMAL = 1000;
    /** The client's protocol range does not contain {@link GatewayProtocol#VERSION}. */
    public static final int PROTOCOL_MISMATCH = 1002;
    /** Invalid handshake or params, auth failure, handshake timeout, slow consumer. */
    public static final int POLICY_VIOLATION = 1008;
    /** Restart or shutdown, always after a {@code shutdown} event. */
    public static final int SERVICE_RESTART = 1012;
    /** "gateway starting": retry after {@code retryAfterMs}. */
    public static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }
}
