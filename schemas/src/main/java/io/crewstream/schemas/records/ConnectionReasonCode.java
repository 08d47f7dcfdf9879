package io.crewstream.schemas.records;

import java.util.Arrays;
import java.util.Optional;

/**
 * The machine-readable causes the ingestor itself gives in {@link ConnectionStatusEvent#reasonCode()} (and so in
 * {@link ConnectionState#reasonCode()} and the SSE gateway status). Dashboards and analytics switch on these, so a
 * code is never renamed within a topic version.
 *
 * <p>The wire field stays a string because a rejected {@code connect} carries the gateway's own code through
 * unchanged (the most specific of {@code error.details.code} and {@code error.code}, e.g. {@code AUTH_TOKEN_MISMATCH},
 * {@code UNAVAILABLE}): a reason code that is not one of these came from the gateway, and {@link #fromWire} says so
 * with an empty result.
 */
public enum ConnectionReasonCode {

    /** The ingestor stopped; its last status for the connection. */
    STOPPED("stopped"),
    /** A frame during the handshake could not be read; the link is dropped. */
    MALFORMED_FRAME("malformed_frame"),
    /** A {@code connect}, list or subscribe result had a shape the ingestor cannot use. */
    MALFORMED_RESULT("malformed_result"),
    /** The gateway announced a shutdown (a {@code shutdown} event, maybe with {@code restartExpectedMs}). */
    SHUTDOWN("shutdown"),
    /** The gateway closed with 1013 (try again later): it is starting. */
    GATEWAY_STARTING("gateway_starting"),
    /** The gateway closed the socket with any other code. */
    CLOSED("closed"),
    /** The socket failed after it was open. */
    IO_ERROR("io_error"),
    /** The gateway's host name does not resolve. */
    UNKNOWN_HOST("unknown_host"),
    /** Nothing listens at the gateway's address. */
    CONNECTION_REFUSED("connection_refused"),
    /** Opening the socket took longer than {@code connect-timeout}. */
    CONNECT_TIMEOUT("connect_timeout"),
    /** The HTTP upgrade to WebSocket was answered with another status. */
    UPGRADE_REJECTED("upgrade_rejected"),
    /** Opening the socket failed for another reason. */
    CONNECT_FAILED("connect_failed"),
    /** {@code hello-ok} negotiated a protocol version the ingestor does not speak. */
    PROTOCOL_MISMATCH("protocol_mismatch"),
    /** {@code hello-ok} granted no {@code operator.read} scope. */
    INSUFFICIENT_SCOPE("insufficient_scope"),
    /** A request went unanswered for {@code request-timeout}. */
    REQUEST_TIMEOUT("request_timeout"),
    /** No frame arrived for two tick intervals. */
    TICK_TIMEOUT("tick_timeout"),
    /** The link after a tick timeout is up but has not shown a tick yet, so it is not reported connected. */
    AWAITING_TICK("awaiting_tick"),
    /** A re-snapshot took longer than {@code snapshot-overdue}; live changes are held back until it is published. */
    SNAPSHOT_OVERDUE("snapshot_overdue"),
    /**
     * This ingestor instance gave the gateway up to another (the ingestors' group was rebalanced: one joined or
     * left). Published with state {@code connecting}, so that runs in progress are kept: the new owner connects and
     * publishes a full snapshot, and its statuses name it as {@link ConnectionStatusEvent#owner()}.
     */
    HANDED_OVER("handed_over"),
    /**
     * Kafka fenced this instance's writer for the gateway: another instance owns it now (this one was frozen or cut
     * off past its session timeout). Nothing more of this instance reaches the topics for the gateway; the reason
     * code appears in its log and health only, since its writes are refused.
     */
    FENCED("fenced"),
    /** A bug in the ingestor; the link is dropped and retried. */
    INTERNAL_ERROR("internal_error");

    private final String wireName;

    ConnectionReasonCode(String wireName) {
        this.wireName = wireName;
    }

    /** The string written to {@code reasonCode}. */
    public String wireName() {
        return this.wireName;
    }

    /** The ingestor's code of this name; empty for a code the gateway gave (or one this version does not know). */
    public static Optional<ConnectionReasonCode> fromWire(String wireName) {
        return Arrays.stream(values()).filter(code -> code.wireName.equals(wireName)).findFirst();
    }

    @Override
    public String toString() {
        return this.wireName;
    }
}
