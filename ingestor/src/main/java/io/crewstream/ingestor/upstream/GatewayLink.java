package io.crewstream.ingestor.upstream;

import java.util.HashMap;
import java.util.Map;

/**
 * What belongs to one socket to the gateway: requests awaiting an answer, {@code seq} tracking, liveness, the run
 * steps held back during a snapshot, the agent listing. A new socket starts from scratch.
 *
 * <p>Not thread-safe: owned by one {@link UpstreamSession}.
 */
final class GatewayLink {

    /** What a request was for, so that its response goes where it belongs. */
    enum Request {
        CONNECT(GatewayRequests.CONNECT),
        SUBSCRIBE(GatewayRequests.SESSIONS_SUBSCRIBE),
        LIST_PAGE(GatewayRequests.SESSIONS_LIST),
        AGENTS_LIST(GatewayRequests.AGENTS_LIST);

        final String method;

        Request(String method) {
            this.method = method;
        }
    }

    /** {@code agents.list} on this link: none in flight, one, or one with another to follow (agents changed since). */
    enum AgentListState {
        IDLE, LISTING, LISTING_THEN_AGAIN
    }

    /** The gateway's {@code shutdown} event: why, and when it expects to be back (null when it did not say). */
    record Shutdown(String reason, Long restartExpectedMs) {
    }

    private long lastRequestId;
    final Map<String, Request> pending = new HashMap<>();
    // seq starts at 1 on every socket: a first event numbered higher means events were already lost.
    long lastSeq;
    long lastFrameAt;
    long tickIntervalMs;
    long maxPayload;
    final HeldRunEvents heldRunEvents = new HeldRunEvents();
    final RunUsageTracker runUsage = new RunUsageTracker();
    AgentListState agents = AgentListState.IDLE;
    // The event before the current one was a keyed delete: a keyless delete now is its echo.
    boolean previousEventWasKeyedDelete;
    Shutdown shutdown;

    GatewayLink(long openedAt, long tickIntervalMs, long maxPayload) {
        this.lastFrameAt = openedAt;
        this.tickIntervalMs = tickIntervalMs;
        this.maxPayload = maxPayload;
    }

    /** Registers a request and returns its id. */
    String nextRequest(Request request) {
        String id = Long.toString(++this.lastRequestId);
        this.pending.put(id, request);
        return id;
    }
}
